// npm run bench:responder — the AI side on scripted routine conversations, end to end over real Socket.IO:
// 1. the embedded responder: the share of conversations the AI resolves without a person (and resolves
//    correctly), and the time from the customer's message to the AI's first visible text;
// 2. the LLM responder against the fake OpenAI-compatible server on loopback: the same time, and the time
//    from the model's first token (written by the fake server) to the first streamed text at the client.
// Everything runs in this one process, so performance.now() is one clock for server, model and client.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { io, type Socket } from 'socket.io-client';
import type { AckResult, Message, SessionPayload } from '../../shared/protocol.ts';
import { startTandem, type Tandem } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { systemClock } from '../../server/core/clock.ts';
import { DemoMerchant } from '../../server/merchant/demo-merchant.ts';
import type { MerchantApi } from '../../server/merchant/merchant-api.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.ts';

interface Script {
  id: string;
  turns: string[];
  resolved: boolean;
  expect: string;
}

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const fixture = JSON.parse(readFileSync(resolve(import.meta.dirname, '../fixtures/responder/routine-conversations.json'), 'utf8')) as {
  conversations: Script[];
};

/** Each conversation gets a freshly seeded merchant, so one conversation's refund does not change the next. */
class FreshMerchant {
  current = new DemoMerchant({ clock: systemClock });
  reseed(): void {
    this.current = new DemoMerchant({ clock: systemClock });
  }
  api(): MerchantApi {
    return new Proxy({} as MerchantApi, {
      get: (_, name: keyof MerchantApi) => (...args: unknown[]) => (this.current[name] as (...a: unknown[]) => unknown).apply(this.current, args),
    });
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const ms = (v: number) => (Number.isNaN(v) ? 'n/a' : `${v.toFixed(1)} ms`);

async function start(env: Record<string, string>, merchant: FreshMerchant): Promise<{ tandem: Tandem; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-bench-'));
  // Every scripted customer comes from 127.0.0.1: the per-IP limits (docs/SECURITY.md) would measure themselves.
  const limits = 'customerConnectionsPerIp=100000/60,customerMessagesPerIp=100000/60';
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', TANDEM_RATE_LIMITS: limits, ...env });
  const tandem = await startTandem({ config, log: pino({ level: 'silent' }), merchant: merchant.api() });
  return { tandem, dataDir };
}

interface TurnResult {
  /** ms from sending to the first AI text (a delta or the message) */
  firstVisible: number | null;
  /** performance.now() when the first delta arrived */
  firstDeltaAt: number | null;
  reply: string | null;
}

/** Send one customer message; resolve with the AI's reply (or null when none came, e.g. a person took over). */
function turn(socket: Socket, clientId: string, text: string): Promise<TurnResult> {
  return new Promise((resolveTurn, reject) => {
    const sent = performance.now();
    let firstVisible: number | null = null;
    let firstDeltaAt: number | null = null;
    const onDelta = () => {
      const now = performance.now();
      firstDeltaAt ??= now;
      firstVisible ??= now - sent;
    };
    const onMessage = (m: Message) => {
      if (m.from !== 'ai') return;
      firstVisible ??= performance.now() - sent;
      finish(m.text);
    };
    const timer = setTimeout(() => finish(null), 5000);
    function finish(reply: string | null) {
      clearTimeout(timer);
      socket.off('message:delta', onDelta);
      socket.off('message', onMessage);
      resolveTurn({ firstVisible, firstDeltaAt, reply });
    }
    socket.on('message:delta', onDelta);
    socket.on('message', onMessage);
    socket.emit('message', { clientId, text }, (ack: AckResult) => {
      if (!ack.ok) reject(new Error(ack.error.message));
    });
  });
}

interface RunResult {
  conversations: number;
  resolvedByAi: number;
  correct: number;
  misses: string[];
  firstVisible: number[];
  /** model's first token → first delta at the client */
  tokenToWidget: number[];
}

async function run(label: string, env: Record<string, string>, fake?: FakeOpenAI): Promise<RunResult> {
  const merchant = new FreshMerchant();
  const { tandem, dataDir } = await start(env, merchant);
  const result: RunResult = { conversations: 0, resolvedByAi: 0, correct: 0, misses: [], firstVisible: [], tokenToWidget: [] };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const script of fixture.conversations) {
        merchant.reseed();
        const socket = io(`${tandem.url}/customer`, { transports: ['websocket'], forceNew: true });
        const session = await new Promise<SessionPayload>((ok) => socket.once('session', ok));
        let last: string | null = null;
        for (const [i, text] of script.turns.entries()) {
          const before = fake?.requests.length ?? 0;
          const t = await turn(socket, `${script.id}-${round}-${i}`, text);
          if (t.firstVisible !== null) result.firstVisible.push(t.firstVisible);
          const tokenAt = fake?.firstTokenAt[before];
          if (fake && fake.requests.length > before && tokenAt !== undefined && t.firstDeltaAt !== null) {
            result.tokenToWidget.push(t.firstDeltaAt - tokenAt);
          }
          last = t.reply ?? last;
          await tandem.desk.idle();
          if ((await tandem.desk.conversation(session.conversationId))?.state !== 'ai') break;
        }
        await tandem.desk.idle();
        const state = (await tandem.desk.conversation(session.conversationId))?.state;
        result.conversations++;
        const byAi = state === 'ai';
        if (byAi) result.resolvedByAi++;
        // Right outcome: resolved with the expected answer, or (when the script needs a person) with a person.
        if (script.resolved ? byAi && last?.includes(script.expect) : !byAi) result.correct++;
        else if (round === 0) result.misses.push(`${script.id} (${state}): ${(last ?? '—').slice(0, 90)}`);
        socket.disconnect();
      }
    }
  } finally {
    await tandem.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(`${label}: ${result.conversations} conversations done`);
  return result;
}

const embedded = await run('embedded', {});
const fake = await startFakeOpenAI();
// A model that starts answering at once and streams steadily: what is measured is Tandem's own latency.
fake.fallback(() => ({ text: 'Thanks for your message. Here is what I can tell you about that, in a few short sentences.', chunkSize: 4, delayMs: 3 }));
const llm = await run('llm (fake server)', {
  OPENAI_BASE_URL: fake.baseURL,
  OPENAI_API_KEY: 'bench',
  TANDEM_MODEL: 'fake-model',
}, fake);
await fake.close();

const expectedByAi = fixture.conversations.filter((c) => c.resolved).length / fixture.conversations.length;
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const e = sorted(embedded.firstVisible);
const l = sorted(llm.firstVisible);
const t = sorted(llm.tokenToWidget);
console.log(`
Responder benchmark: ${fixture.conversations.length} scripted routine conversations × ${ROUNDS} rounds, real Socket.IO on loopback, Node ${process.version}

| responder | conversations | resolved by the AI (no person) | resolved as scripted (right outcome and answer) | turns timed | first visible text, median | p99 | max |
|---|---|---|---|---|---|---|---|
| embedded | ${embedded.conversations} | ${(embedded.resolvedByAi / embedded.conversations).toFixed(3)} (scripts expect ${expectedByAi.toFixed(3)}) | ${(embedded.correct / embedded.conversations).toFixed(3)} | ${e.length} | ${ms(percentile(e, 50))} | ${ms(percentile(e, 99))} | ${ms(e.at(-1) ?? Number.NaN)} |
| LLM, fake server | ${llm.conversations} | ${(llm.resolvedByAi / llm.conversations).toFixed(3)} (scripted model, not a quality figure) | n/a | ${l.length} | ${ms(percentile(l, 50))} | ${ms(percentile(l, 99))} | ${ms(l.at(-1) ?? Number.NaN)} |

LLM streaming: model's first token written by the server → first message:delta at the client (${t.length} replies):
median ${ms(percentile(t, 50))}, p99 ${ms(percentile(t, 99))}, max ${ms(t.at(-1) ?? Number.NaN)}  (goal: within 50 ms)
Embedded p99 goal: under 50 ms — ${percentile(e, 99) < 50 ? 'met' : 'NOT met'}.
`);
if (embedded.misses.length) console.log(`Conversations not resolved as scripted (first round):\n  ${embedded.misses.join('\n  ')}`);
