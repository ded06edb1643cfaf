// The HTTP adapter (Express): the demo shop page, the widget script, the console, health, metrics and the
// agent sign-in API. Everything is same-origin under helmet except /widget.js and /widget-app.js, which any
// page may load.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import express, { type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { describeIssues, LoginInput } from '../../shared/protocol.ts';
import type { AgentAccounts } from '../auth/agent-accounts.ts';
import type { TrustProxy } from '../security/rate-limits.ts';
import type { Store } from '../store/store.ts';
import type { QualityService } from '../quality/quality-service.ts';
import { createLimits, type Limits } from '../security/rate-limits.ts';
import type { TandemMetrics } from './metrics.ts';
import { cannedApi } from './canned-api.ts';
import { adminApi, type AdminHooks } from './admin-api.ts';

export interface HttpOptions {
  accounts: AgentAccounts;
  quality: QualityService;
  store: Store;
  metrics: TandemMetrics;
  log: Logger;
  /** The built front end: widget.js and console/. */
  distDir: string;
  /** The demo shop page's folder. */
  demoDir: string;
  /** rate limits (server/security/rate-limits.ts); this process counting alone when not given */
  limits?: Limits;
  /** which peers are our proxies (TANDEM_TRUST_PROXY); loopback by default */
  trustProxy?: TrustProxy;
  /** Several nodes: is Redis answering? (for /healthz) */
  redisHealthy?: () => Promise<boolean>;
  /** presence and consoles, for the admin API */
  admin?: AdminHooks;
}

function bearer(req: Request): string | undefined {
  const header = req.get('authorization');
  return header?.startsWith('Bearer ') ? header.slice(7).trim() || undefined : undefined;
}

export function createHttpApp(options: HttpOptions): express.Express {
  const { accounts, quality, store, metrics, log, distDir, demoDir } = options;
  const limits = options.limits ?? createLimits();
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy ?? 'loopback');

  const widgetFile = join(distDir, 'widget.js');
  const consoleDir = join(distDir, 'console');
  const notBuilt: RequestHandler = (_req, res) => {
    res.status(503).type('text').send('The front end is not built yet: run `npm run build` (npm start does it for you).');
  };

  // The drop-in widget: loadable from any origin (CORP cross-origin); the server decides who may connect.
  // /widget.js is the loader a shop embeds; it fetches /widget-app.js, the full widget, from the same place.
  // The loader asks for `widget-app.js?v=<content hash>`: when the hash is the file's, that address can never
  // hold anything else, so browsers and CDNs keep it for a year; the loader itself stays at 5 minutes.
  const appFile = join(distDir, 'widget-app.js');
  let appHash: { mtimeMs: number; hash: string } | null = null;
  const currentAppHash = (): string => {
    const { mtimeMs } = statSync(appFile);
    if (appHash?.mtimeMs !== mtimeMs) appHash = { mtimeMs, hash: createHash('sha256').update(readFileSync(appFile)).digest('hex').slice(0, 12) };
    return appHash.hash;
  };
  app.get(['/widget.js', '/widget-app.js'], (req, res, next) => {
    const file = req.path === '/widget.js' ? widgetFile : appFile;
    if (!existsSync(file)) return notBuilt(req, res, next);
    const versioned = file === appFile && req.query.v === currentAppHash();
    res.set({
      'Cross-Origin-Resource-Policy': 'cross-origin',
      'Access-Control-Allow-Origin': '*',
      'Cache-Control': versioned ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
      'X-Content-Type-Options': 'nosniff',
    });
    res.sendFile(file);
  });

  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          frameAncestors: ["'none'"],
          formAction: ["'self'"],
        },
      },
    }),
  );

  // 503 when storage is unreachable (nothing can be stored, so nothing can be acknowledged). Redis down is
  // `degraded`, still 200: this node keeps serving the customers connected to it, and taking every node out
  // of the load balancer at once would turn a Redis blip into an outage.
  app.get('/healthz', async (_req, res) => {
    const redis = options.redisHealthy ? await options.redisHealthy() : null;
    const degraded = redis === false ? { degraded: ['redis'] } : {};
    try {
      await store.ping();
      res.json({ ok: true, ...degraded });
    } catch (error) {
      log.error({ err: error }, 'health check failed');
      res.status(503).json({ ok: false, ...degraded, error: { code: 'storage_unreachable', message: `storage unreachable: ${(error as Error).message}` } });
    }
  });

  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  const api = express.Router();
  api.use(express.json({ limit: '16kb' }));
  const tooMany = (res: express.Response, retryAfterSeconds: number, message: string) => {
    res.status(429).set('Retry-After', String(retryAfterSeconds)).json({ error: { code: 'rate_limited', message } });
  };
  const waitText = (seconds: number) => (seconds < 60 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`);
  api.post('/auth/login', async (req, res) => {
    const ip = req.ip ?? '';
    const fromIp = await limits.loginFrom(ip);
    if (!fromIp.ok) {
      log.warn({ ip }, 'sign-ins over the limit');
      tooMany(res, fromIp.retryAfterSeconds, `Too many sign-in attempts from your network. Try again in ${waitText(fromIp.retryAfterSeconds)}.`);
      return;
    }
    const parsed = LoginInput.safeParse(req.body ?? {});
    if (!parsed.success) {
      res.status(400).json({ error: { code: 'invalid_payload', message: describeIssues(parsed.error) } });
      return;
    }
    const { email, password } = parsed.data;
    // Counted before the password is checked, and refused while locked even when the password is right.
    const forEmail = await limits.loginAs(email);
    if (!forEmail.ok) {
      log.warn({ email, ip }, 'sign-in refused: account locked after failed sign-ins');
      const failures = limits.tuning.loginLockout.points;
      tooMany(
        res,
        forEmail.retryAfterSeconds,
        `This account is locked after ${failures} failed sign-ins in a row. Try again in ${waitText(forEmail.retryAfterSeconds)}.`,
      );
      return;
    }
    const session = await accounts.login(email, password);
    if (!session) {
      log.warn({ email, ip }, 'failed sign-in');
      res.status(401).json({ error: { code: 'unauthorized', message: 'Wrong email or password.' } });
      return;
    }
    await limits.loginSucceeded(email);
    log.info({ agentId: session.agent.id }, 'agent signed in');
    res.json(session);
  });
  api.post('/auth/logout', async (req, res) => {
    const token = bearer(req);
    if (token) await accounts.logout(token);
    res.status(204).end();
  });
  api.get('/auth/me', async (req, res) => {
    const token = bearer(req);
    const agent = token ? await accounts.authenticate(token) : null;
    if (!agent) {
      res.status(401).json({ error: { code: 'unauthorized', message: 'Sign in first.' } });
      return;
    }
    res.json({ agent });
  });

  // ---- quality (docs/QUALITY.md): any signed-in agent reads it; acknowledging is for agents, modes for admins ----
  const signedIn = async (req: Request, res: express.Response) => {
    const token = bearer(req);
    const agent = token ? await accounts.authenticate(token) : null;
    if (!agent) res.status(401).json({ error: { code: 'unauthorized', message: 'Sign in first.' } });
    return agent;
  };
  api.get('/quality', async (req, res) => {
    if (!(await signedIn(req, res))) return;
    res.json(await quality.report());
  });
  api.post('/quality/alarms/:id/acknowledge', async (req, res) => {
    const agent = await signedIn(req, res);
    if (!agent) return;
    const id = String(req.params.id);
    const alarm = id.length <= 100 ? await quality.acknowledge(id, agent) : null;
    if (!alarm) {
      res.status(404).json({ error: { code: 'not_found', message: 'No such alarm.' } });
      return;
    }
    log.info({ alarmId: alarm.id, agentId: agent.id }, 'quality alarm acknowledged');
    res.json({ alarm });
  });
  // Agents and the per-type policy (admins), and invite links (server/http/admin-api.ts).
  api.use(adminApi({ accounts, quality, limits, log, hooks: options.admin }));
  // Canned replies for the console's picker (server/http/canned-api.ts): agents read, admins write.
  api.use('/canned', cannedApi({ accounts, store, log }));

  api.use((_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: 'No such API route.' } });
  });
  app.use('/api', api);

  if (existsSync(consoleDir)) {
    app.use('/console', express.static(consoleDir, { index: 'index.html', redirect: true }));
    app.get('/console/{*rest}', (_req, res) => res.sendFile(join(consoleDir, 'index.html')));
  } else {
    app.use('/console', notBuilt);
  }

  // The demo shop stands for any merchant's page; it runs under the same strict CSP, which the widget respects.
  app.use('/demo', express.static(demoDir, { index: false }));
  app.get('/', (_req, res) => res.sendFile(join(demoDir, 'index.html')));

  app.use((_req, res) => {
    res.status(404).type('text').send('Not found');
  });

  const onError: ErrorRequestHandler = (error: { status?: number; type?: string }, _req, res, _next) => {
    if (error.type === 'entity.parse.failed' || error.type === 'entity.too.large') {
      res.status(error.status ?? 400).json({
        error: { code: error.type === 'entity.too.large' ? 'too_long' : 'invalid_payload', message: error.type === 'entity.too.large' ? 'Request body too large.' : 'Request body is not valid JSON.' },
      });
      return;
    }
    log.error({ err: error }, 'request failed');
    res.status(500).json({ error: { code: 'internal', message: 'Something went wrong on our side.' } });
  };
  app.use(onError);
  return app;
}
