// A timed breakdown from inside a Tandem node, for `npm run bench:load -- --probe`: loaded into each server
// process with `--import` (the server's code is not touched), it wraps node-postgres and Socket.IO's
// broadcasts to measure where a message's time goes:
//   - waiting for a pooled PostgreSQL connection, and each query's round trip, by statement kind;
//   - each Redis command's round trip (ioredis), by command;
//   - from an AI message's timestamp (`at`, set when the desk decided it) to its broadcast to the customer, and
//     the part of it after the desk told its listeners (the Socket.IO adapter's notification queue);
//   - the node's own event-loop delay.
// Every SIGUSR2 closes the current window, writes its figures as JSON to $BENCH_PROBE_DIR/probe-<pid>-<n>.json
// (n = 1, 2, … in order) and opens the next one; the benchmark signals at the edges of its phases.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

const require = createRequire(resolve(import.meta.dirname, '../../../package.json'));

class Samples {
  values: number[] = [];
  add(v: number): void {
    this.values.push(v);
  }
  summary(): { count: number; totalMs: number; p50: number; p99: number; max: number } {
    const sorted = [...this.values].sort((a, b) => a - b);
    const at = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]! : Number.NaN);
    return { count: sorted.length, totalMs: sorted.reduce((a, b) => a + b, 0), p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? Number.NaN };
  }
}

const fresh = () => ({
  poolWait: new Samples(),
  queries: new Map<string, Samples>(),
  aiEmitDelay: new Samples(),
  listenerToEmit: new Samples(),
  redis: new Map<string, Samples>(),
  emits: new Map<string, number>(),
  inFlightMax: 0,
});
let window = fresh();
/** When the desk told its listeners about each new message, by message id. */
const told = new Map<string, number>();
let inFlight = 0;
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
let windowStart = performance.now();

// ---- node-postgres ----
const pg = require('pg') as {
  Pool: { prototype: { connect: (...args: unknown[]) => unknown } };
  Client: { prototype: { query: (...args: unknown[]) => unknown } };
};
const connect = pg.Pool.prototype.connect;
pg.Pool.prototype.connect = function (this: unknown, ...args: unknown[]) {
  const started = performance.now();
  const result = connect.apply(this, args);
  if (args.length === 0 && result && typeof (result as Promise<unknown>).then === 'function') {
    (result as Promise<unknown>).then(() => window.poolWait.add(performance.now() - started), () => {});
  }
  return result;
};
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
  const started = performance.now();
  const result = query.apply(this, args);
  const text = typeof args[0] === 'string' ? args[0] : ((args[0] as { text?: string } | undefined)?.text ?? '');
  const verb = (/^\s*(\w+)/.exec(text)?.[1] ?? '?').toLowerCase();
  // select … from <table>, insert into <table>, update <table>: the table tells the statements apart.
  const table = /\b(?:from|into|update)\s+"?(\w+)"?/i.exec(text)?.[1] ?? '';
  const key = `${verb}${table ? ` ${table}` : ''}`;
  if (result && typeof (result as Promise<unknown>).then === 'function') {
    inFlight++;
    window.inFlightMax = Math.max(window.inFlightMax, inFlight);
    const done = () => {
      inFlight--;
      let samples = window.queries.get(key);
      if (!samples) window.queries.set(key, (samples = new Samples()));
      samples.add(performance.now() - started);
    };
    (result as Promise<unknown>).then(done, done);
  }
  return result;
};

// ---- ioredis ----
const { default: Redis } = require('ioredis') as {
  default: { prototype: { sendCommand: (command: { name: string; promise: Promise<unknown> }, ...rest: unknown[]) => unknown } };
};
const sendCommand = Redis.prototype.sendCommand;
/** Each ioredis client (connection) gets a number, so commands can be told apart by the connection they queue on. */
const clientIds = new WeakMap<object, number>();
let clients = 0;
Redis.prototype.sendCommand = function (command, ...rest) {
  const started = performance.now();
  let client = clientIds.get(this);
  if (client === undefined) clientIds.set(this, (client = ++clients));
  const result = sendCommand.call(this, command, ...rest);
  // XREAD blocks by design (the adapter's reader waits for packets): not a round trip worth timing.
  if (command.name !== 'xread' && command.promise) {
    const done = () => {
      const key = `${command.name} (connection ${client})`;
      let samples = window.redis.get(key);
      if (!samples) window.redis.set(key, (samples = new Samples()));
      samples.add(performance.now() - started);
    };
    command.promise.then(done, done);
  }
  return result;
};

// ---- Socket.IO broadcasts ----
const { BroadcastOperator } = require(require.resolve('socket.io').replace(/index\.js$/, 'broadcast-operator.js')) as {
  BroadcastOperator: { prototype: { emit: (this: { adapter: { nsp: { name: string } } }, ev: string, ...args: unknown[]) => boolean } };
};
const emit = BroadcastOperator.prototype.emit;
BroadcastOperator.prototype.emit = function (ev, ...args) {
  const namespace = this.adapter?.nsp?.name ?? '?';
  const key = `${namespace} ${ev}`;
  window.emits.set(key, (window.emits.get(key) ?? 0) + 1);
  const payload = args[0] as { from?: string; at?: string } | undefined;
  if (ev === 'message' && namespace === '/customer' && payload?.from === 'ai' && payload.at) {
    window.aiEmitDelay.add(Date.now() - Date.parse(payload.at));
    const id = (payload as { id?: string }).id;
    const at = id ? told.get(id) : undefined;
    if (at !== undefined) {
      window.listenerToEmit.add(performance.now() - at);
      told.delete(id!);
    }
  }
  return emit.call(this, ev, ...args);
};

// ---- the desk's listeners: when each message was handed to them ----
const { SupportDesk } = (await import('../../../server/support-desk.ts')) as {
  SupportDesk: { prototype: { listen: (listener: { messages?: (c: unknown, messages: readonly { id: string }[]) => void }) => void } };
};
const listen = SupportDesk.prototype.listen;
SupportDesk.prototype.listen = function (listener) {
  if (listener.messages) {
    const original = listener.messages.bind(listener);
    listener.messages = (conversation, messages) => {
      const now = performance.now();
      for (const m of messages) told.set(m.id, now);
      if (told.size > 100_000) told.clear();
      original(conversation, messages);
    };
  }
  return listen.call(this, listener);
};

// ---- the windows ----
let written = 0;
process.on('SIGUSR2', () => {
  const seconds = (performance.now() - windowStart) / 1000;
  const queries = Object.fromEntries([...window.queries].map(([k, s]) => [k, s.summary()]).sort((a, b) => (b[1] as { totalMs: number }).totalMs - (a[1] as { totalMs: number }).totalMs));
  const report = {
    pid: process.pid,
    seconds,
    poolWait: window.poolWait.summary(),
    queries,
    queryInFlightMax: window.inFlightMax,
    aiEmitDelay: window.aiEmitDelay.summary(),
    listenerToEmit: window.listenerToEmit.summary(),
    redis: Object.fromEntries([...window.redis].map(([k, v]) => [k, v.summary()]).sort((a, b) => (b[1] as { totalMs: number }).totalMs - (a[1] as { totalMs: number }).totalMs)),
    emits: Object.fromEntries(window.emits),
    loopDelayMs: { p50: loop.percentile(50) / 1e6 - 10, p99: loop.percentile(99) / 1e6 - 10, max: loop.max / 1e6 - 10 },
  };
  writeFileSync(join(process.env.BENCH_PROBE_DIR ?? '.', `probe-${process.pid}-${++written}.json`), JSON.stringify(report));
  window = fresh();
  window.inFlightMax = inFlight;
  loop.reset();
  windowStart = performance.now();
});
