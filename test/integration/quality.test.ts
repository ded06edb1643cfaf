// Quality signals live, on the embedded engine and on PostgreSQL: real server, real sockets where a customer or
// an agent acts. Outcomes stored at close (ratings, escalations, corrected types, repeats, abandonment),
// recontact by visitor id, alarms that reach the consoles and switch a type's AI to shadow (and survive a
// restart), the quality API's permissions, the control group, and `npx tandem export` feeding training.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import type { Message, SessionPayload, StatePayload } from '../../shared/protocol.ts';
import type { QualityAlarmView, QualityReport, TypePolicyView } from '../../shared/quality.ts';
import { REPO_ROOT } from '../../server/app.ts';
import type { InteractionOutcome } from '../../server/core/quality/outcome.ts';
import type { TrainingExample } from '../../server/core/quality/training-examples.ts';
import { stream, standardNormal } from '../../server/sim/random.ts';
import { labelledJsonl } from '../../server/triage/datasets.ts';
import { enginesUnderTest } from '../support/engines.ts';
import { addAgent, api, connectAgent, login, send, startTestTandem, type TestTandem } from '../support/tandem.ts';
import { nextEvent } from '../support/waiting.ts';
import { outcomeWith } from '../support/outcomes.ts';

const engines = await enginesUnderTest();
const run = promisify(execFile);
const DAY_MS = 86_400_000;

/** A customer connection as the widget makes it, with the browser's visitor id when given. */
function connectVisitor(url: string, visitor?: string): Socket {
  const held: { token?: string; visitor?: string } = visitor ? { visitor } : {};
  const socket = io(`${url}/customer`, { transports: ['websocket'], auth: (cb) => cb({ ...held }), forceNew: true, reconnectionDelay: 100 });
  socket.on('session', (session: SessionPayload) => {
    held.token = session.token;
  });
  return socket;
}

/** A JSON request to the HTTP API with an agent's bearer token (or none). */

async function examplesOf(t: TestTandem, conversationId: string): Promise<TrainingExample[]> {
  const found: TrainingExample[] = [];
  for await (const e of t.quality.records.examples()) if (e.conversationId === conversationId) found.push(e);
  return found;
}

/**
 * An outcome made up by the test, closed `ago` ms before now, for a conversation opened for it (the store keeps
 * outcomes only of conversations it has).
 */
async function crafted(t: TestTandem, fields: Partial<InteractionOutcome>, ago = 60_000): Promise<InteractionOutcome> {
  const { conversation } = await t.desk.openConversation();
  const closedAt = new Date(Date.now() - ago).toISOString();
  return outcomeWith({
    conversationId: conversation.id,
    openedAt: new Date(Date.parse(closedAt) - 120_000).toISOString(),
    closedAt,
    ...fields,
  });
}

describe.each(engines)('quality signals on %s storage', (engine) => {
  const sockets: Socket[] = [];
  const track = (socket: Socket) => {
    sockets.push(socket);
    return socket;
  };
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });

  /** A customer in the widget: `say` sends a message and resolves with the answer from `from`. */
  async function customer(t: TestTandem, visitor?: string) {
    const socket = track(connectVisitor(t.url, visitor));
    const session = await nextEvent<SessionPayload>(socket, 'session');
    let n = 0;
    return {
      socket,
      id: session.conversationId,
      async say(text: string, from: Message['from'] = 'ai'): Promise<Message> {
        const answer = nextEvent<Message>(socket, 'message', (m) => m.from === from);
        const ack = await send(socket, 'message', { clientId: `c-${++n}`, text });
        if (!ack.ok) throw new Error(ack.error.message);
        return answer;
      },
      async write(text: string): Promise<void> {
        expect(await send(socket, 'message', { clientId: `c-${++n}`, text })).toMatchObject({ ok: true });
      },
    };
  }

  async function outcomeOf(t: TestTandem, conversationId: string): Promise<InteractionOutcome> {
    await t.desk.idle();
    await t.quality.idle();
    const o = await t.quality.records.findOutcome(conversationId);
    if (!o) throw new Error(`no outcome stored for ${conversationId}`);
    return o;
  }

  describe('one server, customers and an agent', () => {
    let t: TestTandem;
    let admin: { token: string; agent: { id: string; name: string } };
    beforeAll(async () => {
      t = await startTestTandem(engine);
      admin = await login(t.url);
    });
    afterAll(async () => {
      await t?.destroy();
    });

    it('a chat the AI resolved and the customer rated 2 is stored, reported for its type, and kept as low-rating examples', async () => {
      const c = await customer(t);
      await c.say('How do I change my email address?');
      expect(await send(c.socket, 'close', {})).toEqual({ ok: true });
      expect(await send(c.socket, 'csat', { score: 2, comment: 'It did not help' })).toEqual({ ok: true });

      const o = await outcomeOf(t, c.id);
      expect(o).toMatchObject({ type: 'standard_change', resolver: 'ai', escalated: false, abandoned: false, control: false, csat: 2, csatComment: 'It did not help' });
      expect(o.predictedCsat).toBeGreaterThanOrEqual(1);
      expect(o.predictedCsat).toBeLessThanOrEqual(5);
      expect(o.firstAnswerSeconds).not.toBeNull();

      const report = await api<QualityReport>(t, 'GET', '/quality', admin.token);
      expect(report.status).toBe(200);
      const day = report.body.windows.find((w) => w.name === '24h')!;
      expect(day.byType.standard_change.ai).toMatchObject({ rated: 1, csatMean: 2, lowRatingShare: 1 });
      expect(day.byType.standard_change.ai.interactions).toBeGreaterThanOrEqual(1);
      expect(day.byType.all.all.interactions).toBeGreaterThanOrEqual(1);
      expect(report.body.calibration.rated).toBe(1);

      expect(await examplesOf(t, c.id)).toEqual([
        expect.objectContaining({ kind: 'low_rating', text: 'How do I change my email address?', label: 'standard_change', labelSource: 'triage', csat: 2 }),
      ]);
      expect((await api(t, 'GET', '/quality')).status).toBe(401);
    });

    it("a handoff the agent accepts, where the customer repeats themself and the agent relabels, records all of it", async () => {
      const agent = track(connectAgent(t.url, admin.token));
      await nextEvent(agent, 'queue');
      const c = await customer(t);
      await c.say('I want to change the delivery address on my order');
      const queued = nextEvent<StatePayload>(c.socket, 'state', (s) => s.state === 'queued');
      await c.write('can I talk to a real person please');
      await queued;

      const joined = nextEvent<StatePayload>(c.socket, 'state', (s) => s.state === 'agent');
      expect(await send(agent, 'accept', { conversationId: c.id })).toEqual({ ok: true, conversationId: c.id });
      await joined;
      await c.write('As I said, I want to change the delivery address on my order');
      expect(await send(agent, 'message', { conversationId: c.id, clientId: 'a1', text: 'That order needs an exception; done.' })).toMatchObject({ ok: true });
      expect(await send(agent, 'close', { conversationId: c.id, disposition: 'resolved', label: 'policy_edge' })).toEqual({ ok: true });

      const o = await outcomeOf(t, c.id);
      expect(o).toMatchObject({
        resolver: 'ai_then_person',
        escalated: true,
        escalationTrigger: 'customer_request',
        escalatedAfterAi: true,
        type: 'policy_edge',
        predictedType: 'standard_change',
        correctedType: 'policy_edge',
        disposition: 'resolved',
        abandoned: false,
      });
      expect(o.repeatsToPerson).toBeGreaterThanOrEqual(1);
      expect(o.toPersonSeconds).toBeGreaterThanOrEqual(0);

      const examples = await examplesOf(t, c.id);
      expect(examples.filter((e) => e.kind === 'escalation')).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ text: 'can I talk to a real person please', label: 'person', labelSource: 'customer', escalationTrigger: 'customer_request' }),
          expect.objectContaining({ text: 'I want to change the delivery address on my order', label: 'policy_edge', labelSource: 'agent' }),
        ]),
      );
      const corrected = examples.filter((e) => e.kind === 'corrected_type');
      expect(corrected.length).toBeGreaterThanOrEqual(1);
      for (const e of corrected) expect(e).toMatchObject({ label: 'policy_edge', labelSource: 'agent', predictedType: 'standard_change' });
    });

    it('a customer who leaves the queue abandoned the chat', async () => {
      const c = await customer(t);
      await c.say('Where is my refund?');
      const queued = nextEvent<StatePayload>(c.socket, 'state', (s) => s.state === 'queued');
      expect(await send(c.socket, 'handoff', {})).toEqual({ ok: true });
      await queued;
      expect(await send(c.socket, 'close', {})).toEqual({ ok: true });

      expect(await outcomeOf(t, c.id)).toMatchObject({
        type: 'account_status',
        abandoned: true,
        escalated: true,
        escalationTrigger: 'customer_button',
        escalatedAfterAi: true,
        toPersonSeconds: null,
      });
      const day = (await api<QualityReport>(t, 'GET', '/quality', admin.token)).body.windows.find((w) => w.name === '24h')!;
      expect(day.byType.account_status.all.abandonmentRate).toBeGreaterThan(0);
    });

    it('the same browser back about the same type after the first chat ended makes the first a recontact', async () => {
      const visitor = `visitor-${randomUUID()}`;
      const first = await customer(t, visitor);
      await first.say('How do I change my email address?');
      expect(await send(first.socket, 'close', {})).toEqual({ ok: true });
      const before = await outcomeOf(t, first.id);
      expect(before).toMatchObject({ type: 'standard_change', recontact: null });
      expect(before.customerKey).toMatch(/^visitor:/);
      expect(before.customerKey).not.toContain(visitor);

      // another browser, same type: not this customer's return
      const stranger = await customer(t, `visitor-${randomUUID()}`);
      await stranger.say('How do I change my email address?');
      expect(await send(stranger.socket, 'close', {})).toEqual({ ok: true });
      expect((await outcomeOf(t, stranger.id)).recontact).toBeNull();
      expect((await outcomeOf(t, first.id)).recontact).toBeNull();

      const second = await customer(t, visitor);
      expect(second.id).not.toBe(first.id);
      await second.say('How do I update my email address please?');
      expect(await send(second.socket, 'close', {})).toEqual({ ok: true });
      const again = await outcomeOf(t, second.id);
      expect(again).toMatchObject({ type: 'standard_change', recontact: null, customerKey: before.customerKey });
      expect((await outcomeOf(t, first.id)).recontact).toBe(true);
      expect((await t.quality.records.findOutcome(stranger.id))?.recontact).toBeNull();
    });

    it('seven days without a return settle an outcome as no recontact; younger ones stay open', async () => {
      const old = await crafted(t, { type: 'standard_change', customerKey: 'visitor:someone' }, 8 * DAY_MS);
      const young = await crafted(t, { type: 'standard_change', customerKey: 'visitor:someone' }, 1 * DAY_MS);
      await t.quality.ingest(old);
      await t.quality.ingest(young);
      await t.quality.settleRecontacts();
      expect((await t.quality.records.findOutcome(old.conversationId))?.recontact).toBe(false);
      expect((await t.quality.records.findOutcome(young.conversationId))?.recontact).toBeNull();
    });

    it.runIf(engine === 'sqlite')('npx tandem export writes the kept examples as JSONL that training reads, unlabeled ones skipped', async () => {
      // an off-topic question: a novel turn nobody has labeled
      const c = await customer(t);
      await c.say('what is a good recipe for banana bread');
      expect(await send(c.socket, 'close', {})).toEqual({ ok: true });
      await outcomeOf(t, c.id);
      expect(await examplesOf(t, c.id)).toEqual([expect.objectContaining({ kind: 'novelty', label: null })]);

      const dir = mkdtempSync(join(tmpdir(), 'tandem-export-'));
      const { DATABASE_URL: _ignored, ...env } = process.env;
      const cli = ['--disable-warning=ExperimentalWarning', join(REPO_ROOT, 'bin/tandem.js'), 'export'];
      const file = join(dir, 'examples.jsonl');
      const all = await run(process.execPath, [...cli, '--out', file], { cwd: REPO_ROOT, env: { ...env, DATA_DIR: dirname(t.store.location) } });
      expect(all.stderr).toMatch(/^tandem export: \d+ examples \(escalation \d+, low_rating \d+, novelty \d+, corrected_type \d+; \d+ without a label\) from .* to /);

      const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(all.stderr).toContain(`tandem export: ${lines.length} examples`);
      for (const line of lines) {
        expect(Object.keys(line).slice(0, 3)).toEqual(['text', 'label', 'kind']);
        expect(typeof line.text).toBe('string');
      }
      expect(new Set(lines.map((l) => l.kind))).toEqual(new Set(['low_rating', 'escalation', 'corrected_type', 'novelty']));
      const unlabeled = lines.filter((l) => l.label === null).length;
      expect(unlabeled).toBeGreaterThanOrEqual(1);

      const read = labelledJsonl(file);
      expect(read.unlabeled).toBe(unlabeled);
      expect(read.examples.length + read.other.length).toBe(lines.length - unlabeled);
      expect(read.examples.map((e) => e.label)).toEqual(expect.arrayContaining(['standard_change', 'policy_edge']));
      expect(read.other).toEqual(expect.arrayContaining([{ text: 'can I talk to a real person please', label: 'person' }]));

      const some = join(dir, 'corrected.jsonl');
      const picked = await run(process.execPath, [...cli, '--out', some, '--kind', 'corrected_type', '--kind', 'novelty', '--labeled-only'], {
        cwd: REPO_ROOT,
        env: { ...env, DATA_DIR: dirname(t.store.location) },
      });
      const pickedLines = readFileSync(some, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(pickedLines.length).toBeGreaterThanOrEqual(1);
      for (const line of pickedLines) expect(line).toMatchObject({ kind: 'corrected_type', label: 'policy_edge' });
      expect(picked.stderr).toMatch(/\(escalation 0, low_rating 0, novelty 0, corrected_type \d+; 0 without a label\)/);
    });
  });

  it('an alarm on a degraded type reaches the consoles, switches its AI to shadow, survives a restart, and is acknowledged', async () => {
    let t = await startTestTandem(engine);
    try {
      const admin = await login(t.url);
      const agent = track(connectAgent(t.url, admin.token));
      await nextEvent(agent, 'queue');
      const told = nextEvent<QualityAlarmView>(agent, 'alarm', (a) => a.type === 'account_status' && a.acknowledgedAt === null);

      // A healthy history of the AI's account-status chats, then a run where customers leave unhappy.
      const r = stream(41, 'history');
      const raised: QualityAlarmView[] = [];
      t.quality.onAlarm((a) => raised.push(a));
      for (let i = 0; i < 620; i++) {
        const start = 0.1 + 0.2 * standardNormal(r);
        const end = 0.35 + 0.3 * standardNormal(r);
        await t.quality.ingest(await crafted(t, { sentimentStart: start, sentimentEnd: end, sentimentChange: end - start }, 3_600_000));
      }
      expect(raised).toEqual([]);
      let degraded = 0;
      while (raised.length === 0 && degraded < 200) {
        degraded++;
        await t.quality.ingest(await crafted(t, { sentimentStart: 0.1, sentimentEnd: -0.8 + 0.1 * standardNormal(r), sentimentChange: -0.9 }));
      }
      expect(raised.length).toBeGreaterThan(0);
      expect(degraded).toBeLessThan(50);
      const alarm = raised[0]!;
      expect(alarm).toMatchObject({ type: 'account_status', signal: 'leading', action: 'shadowed', acknowledgedAt: null });
      expect(['predicted_csat', 'sentiment_change']).toContain(alarm.metric);
      expect((await told).id).toBe(alarm.id);

      // the report, the gauges and triage all show account status handed to people
      const report = (await api<QualityReport>(t, 'GET', '/quality', admin.token)).body;
      expect(report.alarms).toEqual(expect.arrayContaining([expect.objectContaining({ id: alarm.id, type: 'account_status', acknowledgedAt: null })]));
      expect(report.policy.account_status).toMatchObject({ ai: 'shadow', configured: 'on', changedBy: 'quality alarm' });
      expect(report.policy.account_status.reason).toContain(alarm.evidence.text);
      expect(report.policy.standard_change).toEqual({ ai: 'on', configured: 'on' });
      const metrics = await (await fetch(`${t.url}/metrics`)).text();
      expect(metrics).toMatch(/^tandem_ai_mode\{type="account_status",mode="shadow"\} 1$/m);
      expect(metrics).toMatch(/^tandem_ai_mode\{type="account_status",mode="on"\} 0$/m);
      expect(metrics).toMatch(new RegExp(`^tandem_quality_alarms_total\\{type="account_status",metric="${alarm.metric}"\\} 1$`, 'm'));

      async function newChat(tandem: TestTandem, text: string) {
        const { conversation } = await tandem.desk.openConversation();
        await tandem.desk.customerMessage(conversation.id, { clientId: 'k1', text });
        await tandem.desk.idle();
        return (await tandem.desk.conversation(conversation.id))!;
      }
      const refund = await newChat(t, 'Where is my refund?');
      expect(refund).toMatchObject({ state: 'queued', type: 'account_status' });
      expect(refund.triage?.latest).toMatchObject({ route: 'human', shadow: { route: 'ai' } });
      expect((await newChat(t, 'How do I change my email address?')).state).toBe('ai');

      // A restart keeps the alarm standing and the switch in force.
      agent.disconnect();
      const standing = new Set(raised.map((a) => a.metric));
      t = await t.restart();
      const afterRestart = (await api<QualityReport>(t, 'GET', '/quality', admin.token)).body;
      expect(afterRestart.alarms.find((a) => a.id === alarm.id)).toMatchObject({ acknowledgedAt: null, action: 'shadowed' });
      expect(afterRestart.policy.account_status.ai).toBe('shadow');
      expect((await newChat(t, 'Where is my refund?')).state).toBe('queued');
      const renewed: QualityAlarmView[] = [];
      t.quality.onAlarm((a) => renewed.push(a));
      for (let i = 0; i < 30; i++) {
        await t.quality.ingest(await crafted(t, { sentimentStart: 0.1, sentimentEnd: -0.8, sentimentChange: -0.9 }));
      }
      expect(renewed.filter((a) => standing.has(a.metric))).toEqual([]);

      // Acknowledging: signed in, a known id; every console hears of it.
      const console2 = track(connectAgent(t.url, admin.token));
      await nextEvent(console2, 'queue');
      const acknowledged = nextEvent<QualityAlarmView>(console2, 'alarm', (a) => a.id === alarm.id && a.acknowledgedAt !== null);
      expect((await api(t, 'POST', `/quality/alarms/${alarm.id}/acknowledge`)).status).toBe(401);
      expect((await api(t, 'POST', `/quality/alarms/${randomUUID()}/acknowledge`, admin.token)).status).toBe(404);
      const ack = await api<{ alarm: QualityAlarmView }>(t, 'POST', `/quality/alarms/${alarm.id}/acknowledge`, admin.token);
      expect(ack.status).toBe(200);
      expect(ack.body.alarm).toMatchObject({ id: alarm.id, acknowledgedBy: admin.agent.name });
      expect(ack.body.alarm.acknowledgedAt).not.toBeNull();
      expect((await acknowledged).acknowledgedBy).toBe(admin.agent.name);

      // Changing a type's AI mode: admins only, known types, and fraud's AI stays off.
      const kim = await login(t.url, await addAgent(t, 'Kim'));
      expect((await api(t, 'GET', '/quality', kim.token)).status).toBe(200);
      expect((await api(t, 'POST', '/quality/policy/account_status', kim.token, { ai: 'on' })).status).toBe(403);
      expect((await api(t, 'POST', '/quality/policy/account_status', undefined, { ai: 'on' })).status).toBe(401);
      expect((await api(t, 'POST', '/quality/policy/not_a_type', admin.token, { ai: 'on' })).status).toBe(400);
      expect((await api(t, 'POST', '/quality/policy/account_status', admin.token, { ai: 'maybe' })).status).toBe(400);
      const fraud = await api<{ error: { code: string; message: string } }>(t, 'POST', '/quality/policy/fraud_security', admin.token, { ai: 'on' });
      expect(fraud.status).toBe(400);
      expect(fraud.body.error.code).toBe('invalid_payload');
      expect((await api(t, 'POST', '/quality/policy/fraud_security', admin.token, { ai: 'off' })).status).toBe(200);

      const back = await api<{ policy: Record<string, TypePolicyView> }>(t, 'POST', '/quality/policy/account_status', admin.token, { ai: 'on' });
      expect(back.status).toBe(200);
      expect(back.body.policy.account_status).toEqual({ ai: 'on', configured: 'on' });
      expect((await newChat(t, 'Where is my refund?')).state).toBe('ai');
      const shadowed = await api<{ policy: Record<string, TypePolicyView> }>(t, 'POST', '/quality/policy/standard_change', admin.token, { ai: 'shadow' });
      expect(shadowed.body.policy.standard_change).toMatchObject({ ai: 'shadow', configured: 'on', changedBy: admin.agent.name });

      // and once more across a restart: the lead's override stays, the one set back to the configured mode is gone
      t = await t.restart();
      const last = (await api<QualityReport>(t, 'GET', '/quality', admin.token)).body;
      expect(last.policy.account_status).toEqual({ ai: 'on', configured: 'on' });
      expect(last.policy.standard_change).toMatchObject({ ai: 'shadow', changedBy: admin.agent.name });
      expect(last.alarms.find((a) => a.id === alarm.id)?.acknowledgedAt).toBe(ack.body.alarm.acknowledgedAt);
      expect((await newChat(t, 'How do I change my email address?')).state).toBe('queued');
    } finally {
      await t.destroy();
    }
  });

  // The replay at start re-fires the alarms in the stored outcomes; those someone had acknowledged must be
  // released, or a problem that persists would never be raised again.
  it('an alarm acknowledged before a restart fires again after it when the type is still degraded', async () => {
    let t = await startTestTandem(engine, undefined, { TANDEM_QUALITY_ALARM_ACTION: 'none' });
    try {
      const admin = await login(t.url);
      const r = stream(42, 'history');
      const unhappy = async (tandem: TestTandem) =>
        tandem.quality.ingest(await crafted(tandem, { sentimentStart: 0.1, sentimentEnd: -0.8 + 0.1 * standardNormal(r), sentimentChange: -0.9 }));
      const raised: QualityAlarmView[] = [];
      t.quality.onAlarm((a) => raised.push(a));
      for (let i = 0; i < 620; i++) {
        const start = 0.1 + 0.2 * standardNormal(r);
        const end = 0.35 + 0.3 * standardNormal(r);
        await t.quality.ingest(await crafted(t, { sentimentStart: start, sentimentEnd: end, sentimentChange: end - start }, 3_600_000));
      }
      for (let i = 0; i < 50 && raised.length === 0; i++) await unhappy(t);
      const alarm = raised.find((a) => a.metric === 'sentiment_change' || a.metric === 'predicted_csat')!;
      expect(alarm).toMatchObject({ type: 'account_status', action: 'none' });
      expect((await api(t, 'POST', `/quality/alarms/${alarm.id}/acknowledge`, admin.token)).status).toBe(200);

      t = await t.restart();
      const again: QualityAlarmView[] = [];
      t.quality.onAlarm((a) => again.push(a));
      for (let i = 0; i < 100 && !again.some((a) => a.metric === alarm.metric); i++) await unhappy(t);
      expect(again.filter((a) => a.metric === alarm.metric && a.acknowledgedAt === null)).toHaveLength(1);
    } finally {
      await t.destroy();
    }
  });

  it('with a control share, some routine chats go to people as the control group, and their outcomes say so', async () => {
    // The draw is Math.random, read when the desk is built: a seeded one makes the split the same every run.
    const draws = stream(7, 'control draws');
    const random = Math.random;
    Math.random = () => draws.next();
    let t: TestTandem;
    try {
      t = await startTestTandem(engine, { schema: `t_${process.pid}_control_${Date.now().toString(36)}` }, { TANDEM_CONTROL_SHARE: '0.2' });
    } finally {
      Math.random = random;
    }
    try {
      const admin = await login(t.url);
      const texts = ['How do I change my email address?', 'Where is my refund?'];
      const control: string[] = [];
      const kept: string[] = [];
      for (let i = 0; i < 40; i++) {
        const { conversation } = await t.desk.openConversation();
        await t.desk.customerMessage(conversation.id, { clientId: 'k1', text: texts[i % 2]! });
        const handoff = (await t.store.events(conversation.id)).find((e) => e.type === 'handoff_requested');
        if (handoff) {
          expect(handoff).toMatchObject({ trigger: 'control' });
          expect((await t.desk.conversation(conversation.id))?.state).toBe('queued');
          control.push(conversation.id);
        } else {
          kept.push(conversation.id);
        }
      }
      expect(control.length).toBeGreaterThanOrEqual(1);
      expect(kept.length).toBeGreaterThanOrEqual(20);

      await t.desk.idle();
      for (const id of control) {
        await t.desk.accept(id, admin.agent);
        await t.desk.agentMessage(id, admin.agent, { clientId: 'a1', text: 'I can help with that.' });
        await t.desk.close(id, { by: 'agent', agentId: admin.agent.id });
      }
      for (const id of kept) await t.desk.close(id, { by: 'customer' });
      for (const id of control) {
        expect(await outcomeOf(t, id)).toMatchObject({ control: true, resolver: 'person', escalationTrigger: 'control', escalatedAfterAi: false });
        expect((await examplesOf(t, id)).filter((e) => e.kind === 'escalation')).toEqual([]);
      }
      for (const id of kept) expect(await outcomeOf(t, id)).toMatchObject({ control: false, resolver: 'ai', escalated: false });

      const report = (await api<QualityReport>(t, 'GET', '/quality', admin.token)).body;
      expect(report.control.share).toBe(0.2);
      const sides = Object.values(report.control.byType);
      expect(sides.reduce((n, c) => n + c.people.n, 0)).toBe(control.length);
      expect(sides.reduce((n, c) => n + c.ai.n, 0)).toBe(kept.length);
    } finally {
      await t.destroy();
    }
  });
});
