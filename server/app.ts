// The composition root: the one place that picks the adapters and wires them around the core.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { pino, type Logger } from 'pino';
import { AgentAccounts, type Bootstrap } from './auth/agent-accounts.ts';
import type { Config } from './config.ts';
import { systemClock, type Clock } from './core/clock.ts';
import { createHttpApp } from './http/http-app.ts';
import { createMetrics } from './http/metrics.ts';
import { joinCluster, type Joined } from './cluster/connect.ts';
import { attachRealtime } from './realtime/socket-server.ts';
import { createLimits } from './security/rate-limits.ts';
import { randomUUID } from 'node:crypto';
import { DemoMerchant } from './merchant/demo-merchant.ts';
import { HttpMerchantApi } from './merchant/http-merchant.ts';
import { MerchantActions } from './merchant/merchant-actions.ts';
import type { MerchantApi } from './merchant/merchant-api.ts';
import { openAICompatibleModel } from './llm/openai-compatible.ts';
import { EmbeddedResponder } from './responder/embedded.ts';
import { KnowledgeBase } from './responder/knowledge-base.ts';
import { LlmResponder } from './responder/llm.ts';
import type { Responder } from './responder/responder.ts';
import { openPostgresStore } from './store/postgres.ts';
import { openSqliteStore } from './store/sqlite.ts';
import type { Store } from './store/store.ts';
import { SupportDesk } from './support-desk.ts';
import { Dispatcher } from './dispatcher.ts';
import { loadTriage } from './triage/load.ts';
import { waitTargets } from './core/triage/policy.ts';
import { PolicyControl } from './quality/policy-control.ts';
import { QualityService } from './quality/quality-service.ts';
import { QualityRecords } from './store/quality-records.ts';

export const REPO_ROOT = resolve(import.meta.dirname, '..');

export interface TandemOptions {
  config: Config;
  clock?: Clock;
  log?: Logger;
  /** PostgreSQL schema to use (tests isolate themselves with one). */
  pgSchema?: string;
  distDir?: string;
  /** the merchant's systems (tests pass a DemoMerchant on their clock) */
  merchant?: MerchantApi;
}

export interface Tandem {
  url: string;
  port: number;
  store: Store;
  desk: SupportDesk;
  dispatcher: Dispatcher;
  /** quality signals: outcomes, alarms, the control group, training examples (docs/QUALITY.md) */
  quality: QualityService;
  /** this process among the nodes (one, or several sharing Redis): docs/SCALING.md */
  cluster: Joined['cluster'];
  bootstrap: Bootstrap;
  knowledgeBase: KnowledgeBase;
  /** the merchant's systems the AI acts on (the demo merchant unless TANDEM_MERCHANT_API is set) */
  merchant: MerchantApi;
  responder: Responder;
  close(): Promise<void>;
}

/** Open storage, migrate, wire everything and listen on config.port (0 = any free port). */
export async function startTandem(options: TandemOptions): Promise<Tandem> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const log = options.log ?? pino({ level: config.logLevel });

  const store = config.databaseUrl
    ? await openPostgresStore(config.databaseUrl, { max: config.pgPoolMax, ...(options.pgSchema ? { schema: options.pgSchema } : {}) })
    : openSqliteStore(config.dataDir);
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }

  let joined: Joined;
  try {
    joined = await joinCluster({ redisUrl: config.redisUrl, prefix: config.cluster.redisPrefix, nodeId: config.cluster.nodeId, log });
  } catch (error) {
    await store.close();
    throw error;
  }
  const { cluster, presence } = joined;
  const limits = createLimits({ redis: joined.redis, prefix: `${config.cluster.redisPrefix}rl`, tuning: config.rateLimits });

  const knowledgeBase = KnowledgeBase.fromDirectory(config.knowledgeDir);
  const accounts = new AgentAccounts(store, clock);
  const bootstrap = await accounts.bootstrap(config.admin);
  const merchant: MerchantApi = options.merchant ??
    (config.merchantApi
      ? new HttpMerchantApi({ baseUrl: config.merchantApi.url, ...(config.merchantApi.apiKey ? { apiKey: config.merchantApi.apiKey } : {}) })
      : new DemoMerchant({ clock }));
  const actions = new MerchantActions({ api: merchant, clock, newId: randomUUID });
  const embedded = new EmbeddedResponder({ knowledgeBase, actions, clock });
  const responder: Responder = config.llm
    ? new LlmResponder({
        model: openAICompatibleModel(config.llm),
        knowledgeBase,
        actions,
        fallback: embedded,
        clock,
        log: log.child({ component: 'llm' }),
        firstTokenTimeoutMs: config.llm.firstTokenTimeoutMs,
        totalTimeoutMs: config.llm.totalTimeoutMs,
      })
    : embedded;
  const triage = loadTriage({ policyFile: config.policyFile });
  const desk = new SupportDesk({
    store,
    responder,
    triage,
    aiLanguages: config.aiLanguages,
    clock,
    ...(config.quality.controlShare > 0 ? { controlGroup: { share: config.quality.controlShare, random: Math.random } } : {}),
    ...(cluster.claim ? { claim: cluster.claim.bind(cluster) } : {}),
  });
  desk.listen({ error: (error, context) => log.error({ err: error, context }, 'background task failed') });

  const policy = new PolicyControl(triage, new QualityRecords(store.db), () => cluster.publish({ kind: 'policy' }));
  const quality = new QualityService({
    store,
    clock,
    policy,
    alarmAction: config.quality.alarmAction,
    controlShare: config.quality.controlShare,
    onError: (error, context) => log.error({ err: error, context }, 'quality signals failed'),
    sendAcknowledgement: (type, metric) => cluster.publish({ kind: 'alarm-acknowledged', type, metric }),
  });
  await policy.load();
  quality.onAlarm((alarm) => log.warn({ alarm: { type: alarm.type, metric: alarm.metric, action: alarm.action } }, alarm.acknowledgedAt ? 'quality alarm acknowledged' : 'quality alarm'));

  const httpServer = createServer();
  const metrics = createMetrics({
    quality,
    queueLength: async () => (await store.queued()).length,
    connectedSockets: () => ({ customer: realtime.io.of('/customer').sockets.size, agent: realtime.io.of('/agent').sockets.size }),
  });
  desk.listen(metrics.listener);
  const dispatcher = new Dispatcher({
    store,
    desk,
    presence,
    clock,
    liveNodes: () => cluster.liveNodes(),
    autoAssign: config.routing.autoAssign,
    graceMs: config.routing.graceMs,
    confidence: config.waitConfidence,
    targets: () => waitTargets(triage.policy),
    onOutcome: (type, outcome) => metrics.waitPromises.inc({ type: type ?? 'untyped', outcome }),
    onError: (error, context) => log.error({ err: error, context }, 'routing failed'),
  });
  // Routing's promise model and the quality alarms have one owner, the leader: every node sends it what changed.
  const leaderListeners = [dispatcher.listener(), quality.listener()];
  desk.listen({ changed: (before, after) => cluster.publish({ kind: 'changed', before, after }) });
  cluster.onMessage((message) => {
    if (message.kind === 'policy') void policy.load().catch((error: unknown) => log.error({ err: error }, 'reloading the AI modes failed'));
    if (!cluster.isLeader()) return;
    if (message.kind === 'changed') for (const listener of leaderListeners) listener.changed?.(message.before, message.after);
    if (message.kind === 'alarm-acknowledged') quality.release(message.type, message.metric);
  });
  const app = createHttpApp({
    accounts,
    limits,
    quality,
    store,
    metrics,
    log,
    distDir: options.distDir ?? resolve(REPO_ROOT, 'dist'),
    demoDir: resolve(REPO_ROOT, 'widget/demo'),
    ...(config.redisUrl ? { redisHealthy: joined.redisHealthy } : {}),
    trustProxy: config.trustProxy,
    admin: {
      presence: async () => new Map((await presence.entries()).filter(([, e]) => e.connections > 0).map(([id, e]) => [id, e.status])),
      agentChanged: (agent, change) => realtime.agentChanged(agent, change),
      agentRemoved: async (agentId) => realtime.agentRemoved(agentId),
    },
  });
  httpServer.on('request', app);
  const realtime = attachRealtime({
    httpServer,
    desk,
    accounts,
    presence,
    dispatcher,
    cluster,
    log,
    allowedOrigins: config.allowedOrigins,
    limits,
    identitySecret: config.identitySecret,
    trustProxy: config.trustProxy,
    ...(joined.adapter ? { adapter: joined.adapter } : {}),
  });
  quality.onAlarm((alarm) => realtime.io.of('/agent').emit('alarm', alarm));

  await new Promise<void>((resolveListen, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolveListen());
  });
  const { port } = httpServer.address() as AddressInfo;

  // Leading: rebuild the alarms from the store (they may have changed while another node led), then route.
  let leading: Promise<void> = Promise.resolve();
  cluster.onLeadership((leader) => {
    log.info({ nodeId: cluster.nodeId }, leader ? 'leading: routing, grace timers and quality alarms run here' : 'following');
    if (!leader) {
      dispatcher.follow();
      quality.follow();
      return;
    }
    leading = quality.start().then(
      () => {
        if (cluster.isLeader()) dispatcher.lead();
      },
      (error: unknown) => log.error({ err: error }, 'taking the lead failed'),
    );
  });
  cluster.start();
  await leading; // alone, this process leads from the start

  let closing: Promise<void> | undefined;
  return {
    url: `http://localhost:${port}`,
    port,
    store,
    desk,
    dispatcher,
    quality,
    cluster,
    bootstrap,
    knowledgeBase,
    merchant,
    responder,
    close() {
      closing ??= (async () => {
        await desk.idle();
        await leading;
        quality.stop();
        await quality.idle();
        await realtime.close();
        await joined.close();
        httpServer.closeAllConnections();
        await new Promise<void>((done) => httpServer.close(() => done()));
        await store.close();
      })();
      return closing;
    },
  };
}
