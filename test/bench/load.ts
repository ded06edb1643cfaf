// npm run bench:load — issue 7's figures: real socket.io-client customers on loopback against
//   (a) a bare Socket.IO echo server (the ceiling, measured in the same run),
//   (b) one Tandem node (`node server/main.ts` on a fresh PostgreSQL database),
//   (c) three Tandem nodes behind the local proxy (startLocalCluster, sharing PostgreSQL and Redis),
// and prints one table (and a JSON line) with: customers held, messages per second, the time from a customer's
// message to the AI's reply (and to the ack), errors and timeouts, server memory per idle customer, and the
// goals beside them. The servers are child processes; this process is the load generator, and it says when
// its own event loop lagged. Options: --quick, --customers N, --rate R, --seconds S, --only echo|one|three,
// --connect-rate C, --warmup S, --person-share P, --agents N, --seed N, --even, --env KEY=VALUE (repeatable,
// passed to the Tandem nodes), --cpu-prof (profile the Tandem nodes; summary printed), --probe (a timed
// breakdown from inside the nodes: test/bench/load/server-probe.ts), --keep-logs.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { AgentDesk, type AgentReport } from './load/agents.ts';
import { CustomerCrowd, PERSON_TEXT, SCRIPTS, type ConnectReport, type LoadReport } from './load/customers.ts';
import { summarizeProfiles } from './load/profile-summary.ts';
import { CpuMeter, LoopLagMeter, MachineCpu, pidsMatching, rssKb, seededRandom, sleep, type LoopLag } from './load/stats.ts';
import { dropAllDatabases, loggedProblems, startEchoServer, startTandemNodes, type Target } from './load/targets.ts';

const GOALS = { customers: 5000, rate: 500, p99Ms: 100, kbPerCustomer: 50, echoRatio: 3 };
const SHOP_ORIGIN = 'https://shop.example';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    customers: { type: 'string' },
    rate: { type: 'string' },
    seconds: { type: 'string' },
    only: { type: 'string', multiple: true },
    'connect-rate': { type: 'string' },
    warmup: { type: 'string' },
    'person-share': { type: 'string' },
    agents: { type: 'string' },
    seed: { type: 'string' },
    even: { type: 'boolean', default: false },
    env: { type: 'string', multiple: true },
    'cpu-prof': { type: 'boolean', default: false },
    'keep-logs': { type: 'boolean', default: false },
    probe: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (args.help) {
  const lines = readFileSync(import.meta.filename, 'utf8').split('\n');
  const header = lines.slice(0, lines.findIndex((line) => !line.startsWith('//')));
  process.stdout.write(`${header.map((line) => line.replace(/^\/\/ ?/, '')).join('\n')}\n`);
  process.exit(0);
}

function numberArg(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`--${name} must be a number ≥ 0, not "${value}"`);
    process.exit(2);
  }
  return n;
}

const quick = args.quick;
const settings = {
  customers: Math.round(numberArg('customers', args.customers, quick ? 500 : 5000)),
  rate: numberArg('rate', args.rate, quick ? 100 : 500),
  seconds: numberArg('seconds', args.seconds, quick ? 10 : 30),
  connectRate: numberArg('connect-rate', args['connect-rate'], 250),
  warmupSeconds: numberArg('warmup', args.warmup, quick ? 2 : 5),
  personShare: numberArg('person-share', args['person-share'], 0.01),
  agentConsoles: Math.round(numberArg('agents', args.agents, 3)),
  agentCapacity: 20,
  agentThinkMs: 500,
  seed: Math.round(numberArg('seed', args.seed, 7)),
  poisson: !args.even,
  timeoutMs: 10_000,
};
type TargetName = 'echo' | 'one' | 'three';
const ALL: TargetName[] = ['echo', 'one', 'three'];
const only = (args.only ?? []).flatMap((o) => o.split(','));
for (const o of only) {
  if (!ALL.includes(o as TargetName)) {
    console.error(`--only takes echo, one or three, not "${o}"`);
    process.exit(2);
  }
}
const targets = only.length ? ALL.filter((t) => only.includes(t)) : ALL;
const extraEnv: Record<string, string> = {};
for (const pair of args.env ?? []) {
  const at = pair.indexOf('=');
  if (at < 1) {
    console.error(`--env takes KEY=VALUE, not "${pair}"`);
    process.exit(2);
  }
  extraEnv[pair.slice(0, at)] = pair.slice(at + 1);
}

/**
 * The server's rate limits (server/security/rate-limits.ts) are per IP, and every customer here comes from
 * 127.0.0.1: raised far above the load so they measure nothing. --env TANDEM_RATE_LIMITS=… replaces this.
 */
const BENCH_RATE_LIMITS = [
  'customerConnectionsPerIp=10000000/60',
  'customerEventsPerSocket=1000/10',
  'customerTypingPerSocket=1000/10',
  'customerMessagesPerIp=10000000/60',
  'agentEventsPerSocket=100000/10',
  'loginsPerIp=1000/60',
].join(',');
/** Our own Redis keys (TANDEM_REDIS_PREFIX), deleted after the run; nothing else in the shared Redis is touched. */
const REDIS_PREFIX = `tandem-bench-load-${process.pid}:`;

const probeDir = (name: TargetName) => join(logRoot, name, 'probe');

const LABELS: Record<TargetName, string> = { echo: 'bare Socket.IO echo', one: 'Tandem, 1 node', three: 'Tandem, 3 nodes + proxy' };
const logRoot = mkdtempSync(join(tmpdir(), 'tandem-bench-load-'));

// ---- cleanup: every child and database, on success, failure and Ctrl-C ----

let current: { target?: Target; crowd?: CustomerCrowd; agents?: AgentDesk } = {};
async function stopCurrent(): Promise<void> {
  const { target, crowd, agents } = current;
  current = {};
  agents?.close();
  await crowd?.close().catch(() => {});
  await target?.stop().catch((error: unknown) => console.error(`stopping the servers: ${(error as Error).message}`));
}
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130); // a second Ctrl-C: the exit handler kills the children
    interrupted = true;
    process.stderr.write(`\n${signal}: stopping the servers and dropping the bench databases…\n`);
    void stopCurrent()
      .then(dropAllDatabases)
      .finally(() => process.exit(130));
  });
}

function log(text: string): void {
  process.stderr.write(`${text}\n`);
}

// ---- one target ----

interface TargetResult {
  name: TargetName;
  nodes: number;
  connect: ConnectReport;
  /** customers connected after the ramp, and at the end of the run */
  heldAfterConnect: number;
  heldAtEnd: number;
  memory: { beforeKb: number; afterKb: number; idleCustomers: number; perCustomerKb: number; endKb: number };
  load: LoadReport;
  agents?: AgentReport;
  /** share of one core per server process during the load, and the generator's own */
  serverCpu: number[];
  proxyCpu?: number;
  /** PostgreSQL backends of the target's database, and the Redis server, together */
  dbCpu?: number;
  redisCpu?: number;
  generatorCpu: number;
  /** the whole machine during the load (every process on it, ours or not) */
  machineCpu: ReturnType<MachineCpu['read']>;
  generatorLag: LoopLag;
  problems: [string, number][];
  notes: string[];
  probe?: { connect: ProbeReport[]; load: ProbeReport[] };
}

/** Sum of the server processes' RSS, in KB. */
const serverRss = (target: Target) => target.pids.reduce((sum, pid) => sum + rssKb(pid), 0);

/** Wait until the servers' memory stops moving (within 1% over two seconds), at least 3 s and at most 20 s. */
async function settledRss(target: Target): Promise<number> {
  const started = performance.now();
  const samples: number[] = [];
  for (;;) {
    await sleep(1000);
    samples.push(serverRss(target));
    const elapsed = performance.now() - started;
    if (elapsed >= 3000 && samples.length >= 3) {
      const recent = samples.slice(-3);
      if ((Math.max(...recent) - Math.min(...recent)) / Math.max(...recent) < 0.01) break;
    }
    if (elapsed >= 20_000) break;
  }
  return samples.at(-1)!;
}

async function start(name: TargetName): Promise<Target> {
  if (name === 'echo') return startEchoServer();
  const nodes = name === 'one' ? 1 : 3;
  return startTandemNodes({
    nodes,
    label: name,
    logRoot,
    env: {
      // Agents pick from the queue themselves, through `accept`.
      TANDEM_AUTO_ASSIGN: 'off',
      TANDEM_ALLOWED_ORIGINS: SHOP_ORIGIN,
      TANDEM_RATE_LIMITS: BENCH_RATE_LIMITS,
      ...(args.probe ? { BENCH_PROBE_DIR: probeDir(name) } : {}),
      ...(nodes > 1 ? { TANDEM_REDIS_PREFIX: REDIS_PREFIX } : {}),
      ...extraEnv,
    },
    ...(nodes > 1 ? { redis: { url: REDIS_URL, prefix: extraEnv.TANDEM_REDIS_PREFIX ?? REDIS_PREFIX } } : {}),
    nodeFlags: [
      ...(args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${join(logRoot, name, 'profiles')}`] : []),
      ...(args.probe ? ['--import', join(import.meta.dirname, 'load/server-probe.ts')] : []),
    ],
  });
}

async function measure(name: TargetName): Promise<TargetResult> {
  log(`\n== ${LABELS[name]} ==`);
  const target = await start(name);
  current.target = target;
  const crowd = new CustomerCrowd();
  current.crowd = crowd;
  const notes: string[] = [];
  const random = seededRandom(settings.seed);
  const connectOptions = { url: target.url, origin: SHOP_ORIGIN, perSecond: settings.connectRate, timeoutMs: 30_000 };

  // Warm up: a few customers write for a moment, so code, pools and caches are in place before "before".
  const warmCustomers = Math.min(50, settings.customers);
  await crowd.connect({ ...connectOptions, count: warmCustomers });
  await crowd.load({ rate: Math.min(settings.rate, 50), seconds: 2, warmupSeconds: 0, poisson: settings.poisson, personShare: 0, random, timeoutMs: settings.timeoutMs });
  const beforeKb = await settledRss(target);
  const connectedBefore = crowd.connected;
  const probing = args.probe && name !== 'echo';
  if (probing) {
    mkdirSync(probeDir(name), { recursive: true });
    probeEdge(target); // window 1: start-up and warm-up
  }

  log(`connecting ${settings.customers - warmCustomers} more customers at ${settings.connectRate}/s…`);
  const connect = await crowd.connect({ ...connectOptions, count: settings.customers - warmCustomers });
  if (probing) probeEdge(target); // window 2: the connection ramp
  connect.attempted += warmCustomers;
  connect.connected += connectedBefore;
  const afterKb = await settledRss(target);
  const heldAfterConnect = crowd.connected;
  const idleCustomers = heldAfterConnect - connectedBefore;
  log(`held ${heldAfterConnect}/${settings.customers}; server RSS ${(beforeKb / 1024).toFixed(0)} → ${(afterKb / 1024).toFixed(0)} MB`);

  let agents: AgentDesk | undefined;
  if (target.admin && settings.personShare > 0 && settings.agentConsoles > 0) {
    agents = new AgentDesk({ url: target.url, admin: target.admin, consoles: settings.agentConsoles, capacity: settings.agentCapacity, thinkMs: settings.agentThinkMs });
    current.agents = agents;
    await agents.start();
  }

  log(`sending ${settings.rate} msg/s for ${settings.warmupSeconds} s warm-up + ${settings.seconds} s measured…`);
  const cpu = new CpuMeter([...target.pids, process.pid]);
  const proxyPid = name === 'three' ? target.hostPid : undefined;
  const proxyCpu = proxyPid ? new CpuMeter([proxyPid]) : undefined;
  // PostgreSQL's backends serving this target's database (they run on the same two cores), and Redis.
  const dbCpu = target.database ? new CpuMeter(pidsMatching(new RegExp(`^postgres: .* ${target.database} `))) : undefined;
  const redisCpu = name === 'three' ? new CpuMeter(pidsMatching(/^redis-server \S+:6379\b/)) : undefined;
  const lag = new LoopLagMeter();
  const machine = new MachineCpu();
  if (probing) probeEdge(target); // window 3: settling, agents signing in
  const load = await crowd.load({
    rate: settings.rate,
    seconds: settings.seconds,
    warmupSeconds: settings.warmupSeconds,
    poisson: settings.poisson,
    personShare: name === 'echo' ? 0 : settings.personShare,
    random,
    timeoutMs: settings.timeoutMs,
  });
  const generatorLag = lag.stop();
  if (probing) probeEdge(target); // window 4: the load (warm-up and drain included)
  const shares = cpu.read();
  const machineCpu = machine.read();
  const proxyShare = proxyCpu?.read()[0];
  const dbShare = dbCpu?.total();
  const redisShare = redisCpu?.total();
  const endKb = serverRss(target);
  // Let the last handoffs finish before counting what the agents did.
  if (agents) await sleep(2 * settings.agentThinkMs + 500);
  const heldAtEnd = crowd.connected;
  const agentReport = agents?.report();
  await stopCurrent();
  const problems = [...loggedProblems(target.logDir)].sort((a, b) => b[1] - a[1]);
  const probe = probing ? { connect: readProbes(probeDir(name), 2), load: readProbes(probeDir(name), 4) } : undefined;
  if (load.skipped > 0) {
    notes.push(
      `${load.skipped} scheduled messages found no customer free to write (every one still waiting for an answer, timed out, or done with their script): ` +
        'a backlog on the server shows up here, and in "achieved"',
    );
  }
  return {
    name,
    nodes: target.pids.length,
    connect,
    heldAfterConnect,
    heldAtEnd,
    memory: { beforeKb, afterKb, idleCustomers, perCustomerKb: idleCustomers > 0 ? (afterKb - beforeKb) / idleCustomers : Number.NaN, endKb },
    load,
    ...(agentReport ? { agents: agentReport } : {}),
    serverCpu: shares.slice(0, -1),
    ...(proxyShare !== undefined ? { proxyCpu: proxyShare } : {}),
    ...(dbShare !== undefined ? { dbCpu: dbShare } : {}),
    ...(redisShare !== undefined ? { redisCpu: redisShare } : {}),
    generatorCpu: shares.at(-1)!,
    machineCpu,
    generatorLag,
    problems,
    notes,
    ...(probe ? { probe } : {}),
  };
}

/** Close the probes' current window in every node (and open the next). */
function probeEdge(target: Target): void {
  for (const pid of target.pids) process.kill(pid, 'SIGUSR2');
}

/** The probes' reports of one window (its number in the order of the edges), one per node. */
function readProbes(dir: string, window: number): ProbeReport[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith(`-${window}.json`))
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as ProbeReport);
  } catch {
    return [];
  }
}

interface ProbeTiming {
  count: number;
  totalMs: number;
  p50: number;
  p99: number;
  max: number;
}
interface ProbeReport {
  pid: number;
  seconds: number;
  poolWait: ProbeTiming;
  queries: Record<string, ProbeTiming>;
  queryInFlightMax: number;
  aiEmitDelay: ProbeTiming;
  listenerToEmit: ProbeTiming;
  redis: Record<string, ProbeTiming>;
  emits: Record<string, number>;
  loopDelayMs: { p50: number; p99: number; max: number };
}

function probeLines(probes: ProbeReport[], phase: string): string[] {
  const lines: string[] = [];
  for (const p of probes) {
    const queries = Object.values(p.queries).reduce((n, q) => n + q.count, 0);
    const commits = p.queries.commit?.count ?? 0;
    lines.push(
      `  probe, ${phase}, pid ${p.pid} (${fmt(p.seconds, 0)} s): ${queries} queries (${fmt(queries / p.seconds, 0)}/s, ${commits} commits, at most ${p.queryInFlightMax} at once); ` +
        `waiting for a pooled connection p50 ${fmt(p.poolWait.p50)} ms, p99 ${fmt(p.poolWait.p99)} ms (${fmt(p.poolWait.totalMs / 1000)} s in all); ` +
        `AI message decided→broadcast p50 ${fmt(p.aiEmitDelay.p50)} ms, p99 ${fmt(p.aiEmitDelay.p99)} ms, of which after the desk told the socket adapter p50 ${fmt(p.listenerToEmit.p50)} ms, p99 ${fmt(p.listenerToEmit.p99)} ms; event-loop delay p99 ${fmt(p.loopDelayMs.p99)} ms, max ${fmt(p.loopDelayMs.max)} ms`,
    );
    const top = Object.entries(p.queries).slice(0, 8);
    lines.push(`    queries by time: ${top.map(([k, q]) => `${k} ×${q.count} p50 ${fmt(q.p50)} p99 ${fmt(q.p99)} ms`).join('; ')}`);
    const redis = Object.entries(p.redis ?? {}).slice(0, 6);
    if (redis.length) lines.push(`    redis commands by time: ${redis.map(([k, q]) => `${k} ×${q.count} p50 ${fmt(q.p50)} p99 ${fmt(q.p99)} ms`).join('; ')}`);
    lines.push(`    broadcasts: ${Object.entries(p.emits).sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, n]) => `${k} ×${n}`).join(', ')}`);
  }
  return lines;
}

// ---- the report ----

const fmt = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
/** A latency: at the timeout it is a lower bound (timed-out messages count at the timeout). */
const ms = (v: number) => (v >= settings.timeoutMs ? `≥ ${settings.timeoutMs / 1000} s` : `${fmt(v)} ms`);
const pct = (v: number) => `${Math.round(v * 100)}%`;

function errorsCell(r: TargetResult): string {
  const { load } = r;
  const parts = [`${load.errors.total} err`, `${load.timeouts.ack + load.timeouts.reply} t/o`];
  const dropped = load.dropped.total;
  if (dropped) parts.push(`${dropped} dropped`);
  return parts.join(', ');
}

function row(r: TargetResult, echo: TargetResult | undefined): string[] {
  const ratio = echo && r.name !== 'echo' ? r.load.reply.p99 / echo.load.reply.p99 : Number.NaN;
  return [
    LABELS[r.name],
    `${r.heldAtEnd} / ${settings.customers}`,
    `${fmt(r.load.offeredPerSecond, 0)} → ${fmt(r.load.achievedPerSecond, 0)}`,
    ms(r.load.reply.p50),
    ms(r.load.reply.p99),
    `${ms(r.load.ack.p50)} / ${ms(r.load.ack.p99)}`,
    errorsCell(r),
    `${fmt(r.memory.perCustomerKb)} KB${r.memory.idleCustomers < 2000 ? ' (few customers: noisy)' : ''}`,
    r.name === 'echo' ? '1 (ceiling)' : `${r.load.reply.p99 >= settings.timeoutMs ? '≥ ' : ''}${fmt(ratio, ratio >= 100 ? 0 : 1)}×`,
    r.serverCpu.map(pct).join('+') +
      [r.dbCpu !== undefined ? `PostgreSQL ${pct(r.dbCpu)}` : '', r.redisCpu !== undefined ? `Redis ${pct(r.redisCpu)}` : '', r.proxyCpu !== undefined ? `proxy ${pct(r.proxyCpu)}` : '']
        .filter(Boolean)
        .map((part) => `, ${part}`)
        .join(''),
    `${fmt(r.generatorLag.p99Ms)} ms, ${pct(r.generatorCpu)}`,
  ];
}

function table(headers: string[], rows: string[][]): string {
  return [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

type Verdict = 'PASS' | 'MISS' | 'n/a';
interface Goal {
  goal: string;
  verdicts: Partial<Record<'one' | 'three', { verdict: Verdict; why: string }>>;
}

function goals(results: TargetResult[]): Goal[] {
  const echo = results.find((r) => r.name === 'echo');
  const tandem = results.filter((r): r is TargetResult & { name: 'one' | 'three' } => r.name !== 'echo');
  const per = (check: (r: TargetResult) => { verdict: Verdict; why: string }) => Object.fromEntries(tandem.map((r) => [r.name, check(r)]));
  return [
    {
      goal: `${GOALS.customers.toLocaleString('en')} connected customers`,
      verdicts: per((r) =>
        settings.customers < GOALS.customers
          ? { verdict: 'n/a', why: `ran with ${settings.customers}` }
          : { verdict: r.heldAtEnd >= GOALS.customers ? 'PASS' : 'MISS', why: `${r.heldAtEnd} held to the end` },
      ),
    },
    {
      goal: `${GOALS.rate} msg/s with p99 < ${GOALS.p99Ms} ms`,
      verdicts: per((r) => {
        const { load } = r;
        const keptUp = load.achievedPerSecond >= 0.98 * load.offeredPerSecond;
        const failures = load.errors.total + load.timeouts.ack + load.timeouts.reply;
        const clean = failures <= 0.001 * load.sent;
        const fast = load.reply.p99 < GOALS.p99Ms;
        const why = `${fmt(load.achievedPerSecond, 0)} of ${fmt(load.offeredPerSecond, 0)} msg/s, p99 ${ms(load.reply.p99)}, ${failures} failed`;
        if (settings.rate < GOALS.rate) return { verdict: fast && keptUp && clean ? 'n/a' : 'MISS', why: `${why} (offered only ${settings.rate}/s)` };
        return { verdict: keptUp && clean && fast ? 'PASS' : 'MISS', why };
      }),
    },
    {
      goal: `< ${GOALS.kbPerCustomer} KB server memory per idle customer`,
      verdicts: per((r) => ({
        verdict: r.memory.perCustomerKb < GOALS.kbPerCustomer ? 'PASS' : 'MISS',
        why: `${fmt(r.memory.perCustomerKb)} KB (${r.memory.idleCustomers} customers, ${r.nodes} node${r.nodes > 1 ? 's' : ''})`,
      })),
    },
    {
      goal: `p99 within ${GOALS.echoRatio}× the echo server's`,
      verdicts: per((r) => {
        if (!echo) return { verdict: 'n/a', why: 'echo not run (--only)' };
        const ratio = r.load.reply.p99 / echo.load.reply.p99;
        const bound = r.load.reply.p99 >= settings.timeoutMs ? '≥ ' : '';
        return { verdict: ratio <= GOALS.echoRatio ? 'PASS' : 'MISS', why: `${ms(r.load.reply.p99)} / ${ms(echo.load.reply.p99)} = ${bound}${fmt(ratio, 0)}×` };
      }),
    },
  ];
}

function details(r: TargetResult): string[] {
  const lines = [`${LABELS[r.name]}:`];
  const c = r.connect;
  lines.push(
    `  connect: ${c.connected}/${c.attempted} got their session (ramp ${fmt(c.seconds)} s; session p50 ${fmt(c.sessionLatency.p50)} ms, p99 ${fmt(c.sessionLatency.p99)} ms)${c.failed.total ? `; failed: ${c.failed}` : ''}; held after the ramp ${r.heldAfterConnect}, at the end ${r.heldAtEnd}`,
  );
  lines.push(
    `  memory: ${fmt(r.memory.beforeKb / 1024)} MB before, ${fmt(r.memory.afterKb / 1024)} MB with ${r.memory.idleCustomers} more idle customers, ${fmt(r.memory.endKb / 1024)} MB after the load`,
  );
  const l = r.load;
  lines.push(
    `  load: ${l.sent} sent (incl. warm-up), reply p90 ${ms(l.reply.p90)}, max ${ms(l.reply.max)} (${l.reply.count} measured); ack max ${ms(l.ack.max)}` +
      (l.errors.total ? `; refused: ${l.errors}` : '') +
      (l.timeouts.ack + l.timeouts.reply ? `; timeouts: ${l.timeouts.ack} ack, ${l.timeouts.reply} reply` : '') +
      (l.dropped.total ? `; dropped: ${l.dropped}` : '') +
      (l.unaskedHandoffs.total ? `; routine turns taken to a person by triage: ${l.unaskedHandoffs}` : '') +
      `; ${l.finished} customers wrote their whole script`,
  );
  if (r.name !== 'echo') {
    const h = l.handoffs;
    const a = r.agents;
    lines.push(
      `  handoffs: ${h.asked} asked for a person, ${h.queued} saw 'queued', ${h.served} got the agent's message (p50 ${fmt(h.toAgent.p50, 0)} ms, p99 ${fmt(h.toAgent.p99, 0)} ms after asking, incl. ${settings.agentThinkMs} ms think time), ${h.closed} closed` +
        (a ? `; agents: ${a.accepted} accepted, ${a.lostRaces} lost races, ${a.written} written, ${a.closed} closed${a.errors.total ? `, errors: ${a.errors}` : ''}` : ''),
    );
  }
  const m = r.machineCpu;
  lines.push(
    `  machine (all ${cpus().length} vCPUs, every process): ${pct(m.busy)} busy — user ${pct(m.user + m.nice)}, system ${pct(m.system)}, softirq ${pct(m.softirq + m.irq)}, steal ${pct(m.steal)}, iowait ${pct(m.iowait)}`,
  );
  lines.push(
    `  generator: event-loop lag p50 ${fmt(r.generatorLag.p50Ms)} ms, p99 ${fmt(r.generatorLag.p99Ms)} ms, max ${fmt(r.generatorLag.maxMs)} ms; send lag p99 ${fmt(l.sendLag.p99)} ms; CPU ${pct(r.generatorCpu)} of a core`,
  );
  if (r.generatorLag.p99Ms > 20 || l.sendLag.p99 > 20 || r.generatorCpu > 0.85) {
    lines.push(
      `  WARNING: the load generator's event loop ran late (above); its own delay is in these latencies. ` +
        (r.generatorCpu > 0.85 ? 'It was busy itself: the figures are a bound of the generator, not the server.' : `It used only ${pct(r.generatorCpu)} of a core: the machine's cores were taken by others (the servers, PostgreSQL, other processes).`),
    );
  }
  if (r.probe) lines.push(...probeLines(r.probe.connect, 'connection ramp'), ...probeLines(r.probe.load, 'load'));
  for (const note of r.notes) lines.push(`  note: ${note}`);
  if (r.problems.length) {
    lines.push(`  server log (warn/error): ${r.problems.slice(0, 6).map(([m, n]) => `${n}× ${m}`).join('; ')}`);
  }
  return lines;
}

// ---- main ----

const startedAt = new Date();
const results: TargetResult[] = [];
const failures: string[] = [];
let failed = false;
try {
  log(
    `bench:load — ${settings.customers} customers at ${settings.connectRate}/s; ${settings.rate} msg/s (${settings.poisson ? 'Poisson' : 'evenly spaced'}) for ${settings.seconds} s after ${settings.warmupSeconds} s warm-up; ` +
      `${pct(settings.personShare)} ask for a person (${settings.agentConsoles} agent consoles, capacity ${settings.agentCapacity}); targets: ${targets.join(', ')}`,
  );
  log(`rate limits of the Tandem nodes raised for the run: TANDEM_RATE_LIMITS=${extraEnv.TANDEM_RATE_LIMITS ?? BENCH_RATE_LIMITS}`);
  if (Object.keys(extraEnv).length) log(`extra environment for the Tandem nodes: ${Object.entries(extraEnv).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  for (const name of targets) {
    if (interrupted) break;
    try {
      results.push(await measure(name));
    } catch (error) {
      // One target failing (a node that would not start) does not cost the others their figures.
      failed = true;
      failures.push(`${LABELS[name]}: ${(error as Error).message.split('\n').slice(0, 3).join(' ').slice(0, 600)}`);
      console.error(`\n${LABELS[name]} failed: ${(error as Error).stack ?? error}`);
      await stopCurrent();
    }
  }
} catch (error) {
  failed = true;
  console.error(`\nbench:load failed: ${(error as Error).stack ?? error}`);
} finally {
  await stopCurrent();
  await dropAllDatabases();
}

if (results.length) {
  const echo = results.find((r) => r.name === 'echo');
  const headers = ['server', 'customers held', 'msg/s offered → achieved', 'reply p50', 'reply p99', 'ack p50 / p99', 'errors, timeouts', 'memory per idle customer', 'p99 ÷ echo p99', 'CPU (share of a core)', 'generator lag p99, CPU'];
  const out: string[] = [];
  out.push('');
  out.push(
    `## bench:load — ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${cpus().length} vCPU (${cpus()[0]?.model.trim() ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(1)} GB, Node ${process.versions.node}, load average at the end ${loadavg().map((v) => v.toFixed(1)).join(' ')}`,
  );
  out.push(
    `${settings.customers} customers opened at ${settings.connectRate}/s; ${settings.rate} msg/s offered (${settings.poisson ? 'Poisson' : 'even'}) for ${settings.seconds} s after a ${settings.warmupSeconds} s warm-up; each customer writes one of ${SCRIPTS.length} routine scripts of ${SCRIPTS[0]!.length} turns (test/bench/load/customers.ts), ${pct(settings.personShare)} of messages are "${PERSON_TEXT}" instead`,
  );
  out.push('');
  out.push(table(headers, results.map((r) => row(r, echo))));
  out.push('');
  const goalRows = goals(results);
  if (goalRows.length && results.some((r) => r.name !== 'echo')) {
    const cols = results.filter((r) => r.name !== 'echo').map((r) => r.name as 'one' | 'three');
    out.push(
      table(
        ['goal', ...cols.map((c) => LABELS[c])],
        goalRows.map((g) => [g.goal, ...cols.map((c) => (g.verdicts[c] ? `**${g.verdicts[c].verdict}** — ${g.verdicts[c].why}` : ''))]),
      ),
    );
    out.push('');
  }
  for (const r of results) out.push(...details(r));
  for (const failure of failures) out.push(`FAILED — ${failure}`);
  if (results.some((r) => r.name !== 'echo')) {
    out.push(`Rate limits raised for the run (every customer here is 127.0.0.1): TANDEM_RATE_LIMITS=${extraEnv.TANDEM_RATE_LIMITS ?? BENCH_RATE_LIMITS}`);
  }
  if (Object.keys(extraEnv).length) out.push(`extra environment for the Tandem nodes: ${Object.entries(extraEnv).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  out.push(
    `Notes: reply = from emitting \`message\` to the AI's \`message\` event at the customer (echo: the echoed payload); a message unanswered after ${settings.timeoutMs / 1000} s is a timeout and counts at ${settings.timeoutMs / 1000} s in the percentiles ("≥"); ` +
      'msg/s achieved = messages completed (acked and answered) inside the measured window; memory = (RSS with the idle customers − RSS before) ÷ customers, summed over the nodes; ' +
      'CPU = share of one core during the load (PostgreSQL: the backends of the bench database; Redis: the whole redis-server, shared with anything else using it). Everything runs on this machine over loopback, the generator included.',
  );
  process.stdout.write(`${out.join('\n')}\n`);
  const json = {
    at: startedAt.toISOString(),
    machine: { vcpus: cpus().length, cpu: cpus()[0]?.model.trim(), memGb: +(totalmem() / 2 ** 30).toFixed(1), node: process.versions.node },
    settings: { ...settings, extraEnv },
    results: results.map((r) => ({ ...r, load: { ...r.load, errors: r.load.errors.toJSON(), dropped: r.load.dropped.toJSON() }, connect: { ...r.connect, failed: r.connect.failed.toJSON() }, agents: r.agents ? { ...r.agents, errors: r.agents.errors.toJSON() } : undefined })),
    goals: goals(results),
  };
  process.stdout.write(`BENCH_LOAD_JSON ${JSON.stringify(json)}\n`);
}

if (args['cpu-prof']) {
  for (const name of targets.filter((t) => t !== 'echo')) {
    const summary = summarizeProfiles(join(logRoot, name, 'profiles'));
    if (summary) process.stdout.write(`\nCPU profile of ${LABELS[name]} (all nodes, whole run):\n${summary}\n`);
  }
}
if (args['keep-logs'] || args['cpu-prof'] || failed) log(`\nserver logs${args['cpu-prof'] ? ' and profiles' : ''} kept in ${logRoot}`);
else rmSync(logRoot, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
