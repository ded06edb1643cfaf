/**
 * Storage engine benchmark for Tandem's message log: PGlite vs SQLite (node:sqlite).
 *
 *   node test/bench/storage-engines.ts        (or: npm run bench:storage)
 *
 * The parent process only orchestrates and prints. Every measurement runs in a
 * fresh child process (this file with `--task ...`, or storage-writer.ts for the
 * kill -9 test) so one engine's heap, WASM memory or module cache never shows up
 * in the other engine's numbers, and so a hung or crashed engine can be killed.
 *
 * This module also exports the small engine adapter used by storage-writer.ts;
 * the benchmark itself only runs when this file is the entry point.
 */
import { spawn } from 'node:child_process';
import {
  closeSync,
  fdatasyncSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------

const CHILD_TIMEOUT_MS = 120_000;
const FIRST_START_RUNS = 3;
const REOPEN_RUNS = 3;
const INSERT_SAMPLES = 500;
const TOTAL_ROWS = 5_000;
const FILL_BATCH = 500;
const QUERY_SAMPLES = 200;
const QUERY_LIMIT = 50;
const CONVERSATIONS = 50; // 5 000 rows / 50 = 100 per conversation, so LIMIT 50 is always full
const KILL_TRIALS = 5;
const KILL_AFTER_ACKS = 300;
/** Marks the one stdout line of a task child that carries its JSON result. */
const RESULT_PREFIX = '@@RESULT ';

const SELF = fileURLToPath(import.meta.url);
const WRITER = path.join(path.dirname(SELF), 'storage-writer.ts');

// ---------------------------------------------------------------------------
// Engine adapter (shared with storage-writer.ts)
// ---------------------------------------------------------------------------

export type EngineName = 'pglite' | 'sqlite';
export const ENGINES: readonly EngineName[] = ['pglite', 'sqlite'];

export function isEngineName(value: string | undefined): value is EngineName {
  return value === 'pglite' || value === 'sqlite';
}

export interface MessageRow {
  id: string;
  conversationId: string;
  body: string;
  at: string;
}

export interface Engine {
  /** One INSERT in autocommit mode; resolves once the engine reports the commit done. */
  insert(row: MessageRow): Promise<void>;
  /** Many INSERTs in one explicit transaction (only used to fill the table quickly). */
  insertMany(rows: readonly MessageRow[]): Promise<void>;
  /** "Last N messages of a conversation"; returns how many rows came back. */
  lastMessages(conversationId: string, limit: number): Promise<number>;
  count(): Promise<number>;
  ids(): Promise<string[]>;
  version(): Promise<string>;
  /** The effective durability settings, read back from the engine. */
  durability(): Promise<string>;
  close(): Promise<void>;
}

const SQLITE_SCHEMA = `
  CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    body TEXT NOT NULL,
    at TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS messages_conversation_seq ON messages (conversation_id, seq);
`;

const PG_SCHEMA = `
  CREATE TABLE IF NOT EXISTS messages (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    body TEXT NOT NULL,
    at TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS messages_conversation_seq ON messages (conversation_id, seq);
`;

const LAST_MESSAGES_SQL = (placeholderA: string, placeholderB: string): string =>
  `SELECT seq, id, conversation_id, body, at FROM messages
   WHERE conversation_id = ${placeholderA} ORDER BY seq DESC LIMIT ${placeholderB}`;

/**
 * Opens (creating if needed) the data dir and ensures the schema exists.
 * Engine modules are imported lazily so a SQLite child never loads PGlite and
 * vice versa, which would distort the RSS figures.
 */
export async function openEngine(name: EngineName, dir: string): Promise<Engine> {
  return name === 'pglite' ? openPglite(dir) : openSqlite(dir);
}

async function openPglite(dir: string): Promise<Engine> {
  const { PGlite } = await import('@electric-sql/pglite');
  // A plain path selects PGlite's Node filesystem backend (data dir on disk).
  const db = await PGlite.create(dir);
  await db.exec(PG_SCHEMA);
  const insertSql = 'INSERT INTO messages (id, conversation_id, body, at) VALUES ($1, $2, $3, $4)';
  const lastSql = LAST_MESSAGES_SQL('$1', '$2');
  return {
    async insert(row) {
      await db.query(insertSql, [row.id, row.conversationId, row.body, row.at]);
    },
    async insertMany(rows) {
      await db.transaction(async (tx) => {
        for (const row of rows) await tx.query(insertSql, [row.id, row.conversationId, row.body, row.at]);
      });
    },
    async lastMessages(conversationId, limit) {
      return (await db.query(lastSql, [conversationId, limit])).rows.length;
    },
    async count() {
      const result = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages');
      return result.rows[0]?.n ?? 0;
    },
    async ids() {
      return (await db.query<{ id: string }>('SELECT id FROM messages')).rows.map((r) => r.id);
    },
    async version() {
      const result = await db.query<{ v: string }>('SELECT version() AS v');
      return result.rows[0]?.v ?? 'unknown';
    },
    async durability() {
      const show = async (name: string): Promise<string> =>
        `${name}=${(await db.query<Record<string, string>>(`SHOW ${name}`)).rows[0]?.[name] ?? '?'}`;
      return [await show('fsync'), await show('synchronous_commit'), await show('full_page_writes')].join(', ');
    },
    async close() {
      await db.close();
    },
  };
}

async function openSqlite(dir: string): Promise<Engine> {
  const { DatabaseSync } = await import('node:sqlite');
  mkdirSync(dir, { recursive: true });
  const db = new DatabaseSync(path.join(dir, 'tandem.db'));
  db.exec('PRAGMA journal_mode=WAL');
  // synchronous is per connection (journal_mode=WAL is persisted in the file).
  db.exec('PRAGMA synchronous=FULL');
  const mode = db.prepare('PRAGMA journal_mode').get()?.['journal_mode'];
  if (mode !== 'wal') throw new Error(`SQLite refused WAL mode (journal_mode=${String(mode)})`);
  db.exec(SQLITE_SCHEMA);
  const insertStmt = db.prepare('INSERT INTO messages (id, conversation_id, body, at) VALUES (?, ?, ?, ?)');
  const lastStmt = db.prepare(LAST_MESSAGES_SQL('?', '?'));
  // node:sqlite is synchronous; the async wrappers keep one interface for both engines.
  return {
    async insert(row) {
      insertStmt.run(row.id, row.conversationId, row.body, row.at);
    },
    async insertMany(rows) {
      db.exec('BEGIN');
      try {
        for (const row of rows) insertStmt.run(row.id, row.conversationId, row.body, row.at);
        db.exec('COMMIT');
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      }
    },
    async lastMessages(conversationId, limit) {
      return lastStmt.all(conversationId, limit).length;
    },
    async count() {
      return Number(db.prepare('SELECT count(*) AS n FROM messages').get()?.['n'] ?? 0);
    },
    async ids() {
      return db.prepare('SELECT id FROM messages').all().map((r) => String(r['id']));
    },
    async version() {
      return `SQLite ${String(db.prepare('SELECT sqlite_version() AS v').get()?.['v'])}`;
    },
    async durability() {
      const pragma = (name: string): string => `${name}=${String(db.prepare(`PRAGMA ${name}`).get()?.[name])}`;
      // synchronous is reported numerically: 2 = FULL.
      return [pragma('journal_mode'), pragma('synchronous')].join(', ');
    },
    async close() {
      db.close();
    },
  };
}

/** Deterministic, chat-sized (~230 chars) message number `n`. */
export function makeRow(n: number): MessageRow {
  return {
    id: `msg-${n}`,
    conversationId: `conv-${n % CONVERSATIONS}`,
    body: `Message ${n}: ${'Hi, my order still shows as pending and the delivery window has passed. '.repeat(3)}`,
    at: new Date(Date.UTC(2025, 0, 1) + n * 1_000).toISOString(),
  };
}

/** Parses the number out of a `msg-<n>` id, or returns null. */
export function rowNumber(id: string): number | null {
  const match = /^msg-(\d+)$/.exec(id);
  return match?.[1] === undefined ? null : Number(match[1]);
}

// ---------------------------------------------------------------------------
// Child tasks
// ---------------------------------------------------------------------------

interface LatencyStats {
  samples: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

interface BaselineResult {
  peakRssMb: number;
  rssMb: number;
}

interface FirstStartResult {
  /** Open of an empty dir + schema creation (module import excluded, see importMs). */
  startMs: number;
  importMs: number;
  peakRssMb: number;
}

interface WorkloadResult {
  version: string;
  durability: string;
  insert: LatencyStats;
  query: LatencyStats;
  rows: number;
  peakRssMb: number;
}

interface ReopenResult {
  openMs: number;
  rssAfterOpenMb: number;
  rows: number;
  peakRssMb: number;
}

type VerifyResult =
  | { opened: true; rows: number; missingAcked: number; missingSample: number[]; writable: boolean; writeError?: string }
  | { opened: false; error: string };

const toMb = (bytes: number): number => bytes / (1024 * 1024);
/** resourceUsage().maxRSS is in kilobytes. */
const peakRssMb = (): number => process.resourceUsage().maxRSS / 1024;

function latencyStats(samples: readonly number[]): LatencyStats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return {
    samples: sorted.length,
    meanMs: sorted.reduce((sum, x) => sum + x, 0) / sorted.length,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: sorted[sorted.length - 1] ?? NaN,
  };
}

async function importEngineModule(name: EngineName): Promise<void> {
  if (name === 'pglite') await import('@electric-sql/pglite');
  else await import('node:sqlite');
}

async function taskBaseline(): Promise<BaselineResult> {
  return { peakRssMb: peakRssMb(), rssMb: toMb(process.memoryUsage().rss) };
}

async function taskFirstStart(name: EngineName, dir: string): Promise<FirstStartResult> {
  let t0 = performance.now();
  await importEngineModule(name);
  const importMs = performance.now() - t0;
  t0 = performance.now();
  const db = await openEngine(name, dir);
  const startMs = performance.now() - t0;
  await db.close();
  return { startMs, importMs, peakRssMb: peakRssMb() };
}

async function taskWorkload(name: EngineName, dir: string): Promise<WorkloadResult> {
  const db = await openEngine(name, dir);
  const existing = await db.count();
  let n = existing;

  const insertTimes: number[] = [];
  for (let i = 0; i < INSERT_SAMPLES; i++) {
    const row = makeRow(++n);
    const t0 = performance.now();
    await db.insert(row);
    insertTimes.push(performance.now() - t0);
  }

  // The fill only exists to reach TOTAL_ROWS for the query and size figures.
  while (n < TOTAL_ROWS) {
    const batch: MessageRow[] = [];
    while (batch.length < FILL_BATCH && n < TOTAL_ROWS) batch.push(makeRow(++n));
    await db.insertMany(batch);
  }

  const queryTimes: number[] = [];
  for (let i = 0; i < QUERY_SAMPLES; i++) {
    const conversationId = `conv-${(i * 7) % CONVERSATIONS}`;
    const t0 = performance.now();
    const got = await db.lastMessages(conversationId, QUERY_LIMIT);
    queryTimes.push(performance.now() - t0);
    if (got !== QUERY_LIMIT) throw new Error(`expected ${QUERY_LIMIT} rows for ${conversationId}, got ${got}`);
  }

  const result: WorkloadResult = {
    version: await db.version(),
    durability: await db.durability(),
    insert: latencyStats(insertTimes),
    query: latencyStats(queryTimes),
    rows: await db.count(),
    peakRssMb: 0,
  };
  await db.close();
  result.peakRssMb = peakRssMb();
  return result;
}

async function taskReopen(name: EngineName, dir: string): Promise<ReopenResult> {
  await importEngineModule(name); // keep module load out of the reopen time, as for first start
  const t0 = performance.now();
  const db = await openEngine(name, dir);
  const openMs = performance.now() - t0;
  const rows = await db.count();
  const rssAfterOpenMb = toMb(process.memoryUsage().rss);
  await db.close();
  return { openMs, rssAfterOpenMb, rows, peakRssMb: peakRssMb() };
}

async function taskVerify(name: EngineName, dir: string, acked: number): Promise<VerifyResult> {
  let db: Engine;
  try {
    db = await openEngine(name, dir);
  } catch (error) {
    return { opened: false, error: describeError(error) };
  }
  const present = new Set<number>();
  for (const id of await db.ids()) {
    const n = rowNumber(id);
    if (n !== null) present.add(n);
  }
  const missing: number[] = [];
  for (let n = 1; n <= acked; n++) if (!present.has(n)) missing.push(n);
  // Opening is not enough: make sure the recovered database also accepts a write.
  let writable = true;
  let writeError: string | undefined;
  try {
    await db.insert(makeRow(1_000_000));
  } catch (error) {
    writable = false;
    writeError = describeError(error);
  }
  await db.close();
  return {
    opened: true,
    rows: present.size,
    missingAcked: missing.length,
    missingSample: missing.slice(0, 10),
    writable,
    ...(writeError === undefined ? {} : { writeError }),
  };
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

async function runTask(argv: readonly string[]): Promise<void> {
  const [task, engineArg, dir, extra] = argv;
  let result: unknown;
  if (task === 'baseline') {
    result = await taskBaseline();
  } else {
    if (!isEngineName(engineArg) || dir === undefined) throw new Error(`bad task arguments: ${argv.join(' ')}`);
    switch (task) {
      case 'first-start':
        result = await taskFirstStart(engineArg, dir);
        break;
      case 'workload':
        result = await taskWorkload(engineArg, dir);
        break;
      case 'reopen':
        result = await taskReopen(engineArg, dir);
        break;
      case 'verify':
        result = await taskVerify(engineArg, dir, Number(extra));
        break;
      default:
        throw new Error(`unknown task: ${String(task)}`);
    }
  }
  // writeSync so the result is in the pipe before we exit; exit explicitly in
  // case an engine leaves a handle open.
  writeSync(1, `${RESULT_PREFIX}${JSON.stringify(result)}\n`);
  process.exit(0);
}

// ---------------------------------------------------------------------------
// Parent: child process plumbing
// ---------------------------------------------------------------------------

interface ChildOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

/** Runs `node <args>` with a hard timeout; never rejects. */
function runNode(args: readonly string[], onStdout?: (chunk: string, kill: () => void) => void): Promise<ChildOutcome> {
  return new Promise((resolve) => {
    // ExperimentalWarning noise (node:sqlite, type stripping) would only clutter stderr.
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const kill = (): void => {
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, CHILD_TIMEOUT_MS);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      onStdout?.(chunk, kill);
    });
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', (error) => {
      stderr += `\nspawn error: ${describeError(error)}`;
    });
    // 'close' (not 'exit') waits for stdout to drain, so every ack printed before a kill is seen.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, stdout, stderr });
    });
  });
}

function outcomeSummary(outcome: ChildOutcome): string {
  const how = outcome.timedOut
    ? `timed out after ${CHILD_TIMEOUT_MS / 1000} s`
    : outcome.signal !== null
      ? `killed by ${outcome.signal}`
      : `exit code ${String(outcome.code)}`;
  const tail = outcome.stderr.trim().split('\n').slice(-5).join(' | ');
  return tail === '' ? how : `${how}: ${tail}`;
}

/** Runs a task child and returns its JSON result (shape is defined by the task functions above). */
async function task<T>(args: readonly string[]): Promise<T> {
  const outcome = await runNode([SELF, '--task', ...args]);
  const line = outcome.stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (line === undefined) throw new Error(`task ${args.join(' ')} produced no result (${outcomeSummary(outcome)})`);
  return JSON.parse(line.slice(RESULT_PREFIX.length)) as T;
}

/** `du`-style size: allocated blocks, plus the apparent (byte) size for reference. */
function dirSize(dir: string): { allocatedMb: number; apparentMb: number; files: number } {
  let allocated = 0;
  let apparent = 0;
  let files = 0;
  const walk = (p: string): void => {
    const st = lstatSync(p);
    allocated += st.blocks * 512;
    if (st.isDirectory()) {
      for (const entry of readdirSync(p)) walk(path.join(p, entry));
    } else {
      apparent += st.size;
      files++;
    }
  };
  walk(dir);
  return { allocatedMb: toMb(allocated), apparentMb: toMb(apparent), files };
}

/**
 * Mean latency of a 4 KB write + fdatasync in `dir`. Context for the insert
 * figures: SQLite with synchronous=FULL pays roughly one of these per commit,
 * and a value far below a millisecond means the (virtual) disk acknowledges
 * flushes from a volatile cache.
 */
function fsyncProbeMs(dir: string, samples = 200): number {
  const file = path.join(dir, 'fsync-probe');
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(4096, 1);
  const t0 = performance.now();
  for (let i = 0; i < samples; i++) {
    writeSync(fd, block, 0, block.length, 0);
    fdatasyncSync(fd);
  }
  const mean = (performance.now() - t0) / samples;
  closeSync(fd);
  rmSync(file);
  return mean;
}

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

// ---------------------------------------------------------------------------
// Parent: kill -9 test
// ---------------------------------------------------------------------------

interface KillTrial {
  /** Highest row number the writer printed (= committed) before dying. */
  acked: number;
  writerDeath: string;
  killedByUs: boolean;
  verify: VerifyResult;
}

async function killTrial(engine: EngineName, dir: string): Promise<KillTrial> {
  let acked = 0;
  let killedByUs = false;
  let pending = '';
  const writer = await runNode([WRITER, engine, dir], (chunk, kill) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      // Only bare numbers are acks; anything an engine itself prints is ignored.
      if (/^\d+$/.test(line)) acked = Math.max(acked, Number(line));
    }
    if (!killedByUs && acked >= KILL_AFTER_ACKS) {
      killedByUs = true;
      kill(); // the writer is in its tight insert loop, i.e. mid-write
    }
  });
  const writerDeath = outcomeSummary(writer);
  let verify: VerifyResult;
  try {
    verify = await task<VerifyResult>(['verify', engine, dir, String(acked)]);
  } catch (error) {
    // The verify child died or hung before it could report: count as "did not open".
    verify = { opened: false, error: describeError(error) };
  }
  return { acked, writerDeath, killedByUs: killedByUs && writer.signal === 'SIGKILL' && !writer.timedOut, verify };
}

// ---------------------------------------------------------------------------
// Parent: orchestration and report
// ---------------------------------------------------------------------------

interface EngineReport {
  engine: EngineName;
  version: string;
  firstStarts: FirstStartResult[];
  workload: WorkloadResult;
  size: { allocatedMb: number; apparentMb: number; files: number };
  reopens: ReopenResult[];
  kills: KillTrial[];
}

async function benchEngine(engine: EngineName, root: string): Promise<EngineReport> {
  const newDir = (label: string): string => mkdtempSync(path.join(root, `${engine}-${label}-`));

  const firstStarts: FirstStartResult[] = [];
  let dataDir = '';
  for (let i = 0; i < FIRST_START_RUNS; i++) {
    if (dataDir !== '') rmSync(dataDir, { recursive: true, force: true });
    dataDir = newDir('main');
    firstStarts.push(await task<FirstStartResult>(['first-start', engine, dataDir]));
    log(`${engine}: first start #${i + 1} ok`);
  }

  // Last first-start dir (schema only, cleanly closed) gets the workload.
  const workload = await task<WorkloadResult>(['workload', engine, dataDir]);
  const size = dirSize(dataDir);
  log(`${engine}: workload ok (${workload.rows} rows)`);

  const reopens: ReopenResult[] = [];
  for (let i = 0; i < REOPEN_RUNS; i++) {
    reopens.push(await task<ReopenResult>(['reopen', engine, dataDir]));
    log(`${engine}: reopen #${i + 1} ok`);
  }
  rmSync(dataDir, { recursive: true, force: true });

  const kills: KillTrial[] = [];
  for (let i = 0; i < KILL_TRIALS; i++) {
    const dir = newDir(`kill${i + 1}`);
    const trial = await killTrial(engine, dir);
    kills.push(trial);
    log(`${engine}: kill -9 trial #${i + 1}: acked ${trial.acked}, reopened: ${trial.verify.opened ? 'yes' : 'no'}`);
    rmSync(dir, { recursive: true, force: true });
  }

  return { engine, version: workload.version, firstStarts, workload, size, reopens, kills };
}

function log(message: string): void {
  process.stderr.write(`  … ${message}\n`);
}

const fmt = (x: number, digits = 1): string => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

function killSummary(kills: readonly KillTrial[]): { opened: number; lost: number; valid: number } {
  let opened = 0;
  let lost = 0;
  for (const k of kills) {
    if (!k.verify.opened) continue;
    opened++;
    lost += k.verify.missingAcked;
  }
  return { opened, lost, valid: kills.filter((k) => k.killedByUs).length };
}

function printDetails(report: EngineReport, baseline: BaselineResult): void {
  const { workload: w } = report;
  console.log(`\n### ${report.engine} — ${report.version}\n`);
  console.log(`- durability settings as reported by the engine: ${w.durability}`);
  console.log(
    `- first start (open empty dir + create schema), ${report.firstStarts.length} runs: ` +
      `${report.firstStarts.map((f) => fmt(f.startMs)).join(', ')} ms ` +
      `(module import: ${report.firstStarts.map((f) => fmt(f.importMs)).join(', ')} ms); ` +
      `peak RSS: ${report.firstStarts.map((f) => fmt(f.peakRssMb)).join(', ')} MB ` +
      `(bare node child: ${fmt(baseline.peakRssMb)} MB)`,
  );
  console.log(
    `- reopen of the ${w.rows}-row dir, ${report.reopens.length} runs: ` +
      `${report.reopens.map((r) => fmt(r.openMs)).join(', ')} ms; RSS after open: ` +
      `${report.reopens.map((r) => fmt(r.rssAfterOpenMb)).join(', ')} MB`,
  );
  console.log(
    `- autocommit insert (${w.insert.samples}): mean ${fmt(w.insert.meanMs, 3)} ms, p50 ${fmt(w.insert.p50Ms, 3)}, ` +
      `p99 ${fmt(w.insert.p99Ms, 3)}, max ${fmt(w.insert.maxMs, 3)}`,
  );
  console.log(
    `- last ${QUERY_LIMIT} of a conversation (${w.query.samples} queries over ${w.rows} rows): ` +
      `mean ${fmt(w.query.meanMs, 3)} ms, p50 ${fmt(w.query.p50Ms, 3)}, p99 ${fmt(w.query.p99Ms, 3)}, max ${fmt(w.query.maxMs, 3)}`,
  );
  console.log(`- peak RSS of the workload child: ${fmt(w.peakRssMb)} MB`);
  console.log(
    `- on disk after clean close: ${fmt(report.size.allocatedMb, 2)} MB allocated, ` +
      `${fmt(report.size.apparentMb, 2)} MB apparent, ${report.size.files} files`,
  );
  report.kills.forEach((k, i) => {
    const v = k.verify;
    const outcome = v.opened
      ? `reopened, ${v.rows} rows present, ${v.missingAcked} acked rows missing` +
        (v.missingSample.length > 0 ? ` (e.g. ${v.missingSample.join(', ')})` : '') +
        (v.writable ? ', writable' : `, NOT writable: ${v.writeError ?? '?'}`)
      : `did NOT open: ${v.error}`;
    const killNote = k.killedByUs ? '' : ` [writer was not killed by us mid-write: ${k.writerDeath}]`;
    console.log(`- kill -9 trial ${i + 1}: ${k.acked} acked → ${outcome}${killNote}`);
  });
}

function engineVersionLabel(engine: EngineName): string {
  if (engine === 'sqlite') return 'node:sqlite';
  try {
    const entry = fileURLToPath(import.meta.resolve('@electric-sql/pglite'));
    const pkgPath = path.join(entry, '..', '..', 'package.json');
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { version?: string };
    return `PGlite ${pkg.version ?? '?'}`;
  } catch {
    return 'PGlite';
  }
}

async function main(): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'tandem-storage-bench-'));
  const cleanup = (): void => rmSync(root, { recursive: true, force: true });
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });

  const started = new Date();
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log('# Tandem storage engine benchmark\n');
  console.log(`- Node ${process.version}, ${process.platform}/${process.arch}, ${cpu} ×${os.cpus().length}`);
  console.log(`- Date: ${started.toISOString()}`);
  console.log(`- Data dirs under ${root} (deleted at the end)`);
  console.log(`- 4 KB write + fdatasync in that dir: ${fmt(fsyncProbeMs(root), 3)} ms mean`);
  log('running (progress on stderr)…');

  try {
    const baseline = await task<BaselineResult>(['baseline']);
    const reports: EngineReport[] = [];
    for (const engine of ENGINES) reports.push(await benchEngine(engine, root));

    console.log('\n## Details');
    for (const report of reports) printDetails(report, baseline);

    console.log('\n## Summary\n');
    const header = [
      'Engine',
      'First start (ms)',
      'Reopen (ms)',
      'Peak RSS first start (MB)',
      'RSS after open (MB)',
      'Insert mean (ms)',
      `Last-${QUERY_LIMIT} query mean (ms)`,
      `Disk @${TOTAL_ROWS} rows (MB)`,
      'kill -9: reopened',
      'kill -9: lost acked rows',
    ];
    const rows = reports.map((r) => {
      const k = killSummary(r.kills);
      return [
        `${engineVersionLabel(r.engine)} (${r.version.split(' ').slice(0, 2).join(' ')})`,
        fmt(median(r.firstStarts.map((f) => f.startMs))),
        fmt(median(r.reopens.map((x) => x.openMs))),
        fmt(median(r.firstStarts.map((f) => f.peakRssMb))),
        fmt(median(r.reopens.map((x) => x.rssAfterOpenMb))),
        fmt(r.workload.insert.meanMs, 3),
        fmt(r.workload.query.meanMs, 3),
        fmt(r.size.allocatedMb, 2),
        `${k.opened}/${r.kills.length}`,
        `${k.lost} (of ${r.kills.reduce((s, t) => s + t.acked, 0)} acked)`,
      ];
    });
    console.log(markdownTable(header, rows));
    console.log(
      `\nNode ${process.version} · ${started.toISOString().slice(0, 10)} · medians of ${FIRST_START_RUNS} first starts / ` +
        `${REOPEN_RUNS} reopens; insert = mean of ${INSERT_SAMPLES} autocommit inserts; ` +
        `query = mean of ${QUERY_SAMPLES}; kill -9 after ≥${KILL_AFTER_ACKS} acks, ${KILL_TRIALS} trials; ` +
        `bare node child peak RSS ${fmt(baseline.peakRssMb)} MB.`,
    );
  } finally {
    cleanup();
  }
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const run = args[0] === '--task' ? runTask(args.slice(1)) : main();
  run.catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  });
}
