// Figures for the load benchmark: latency samples and their percentiles, a process's memory and CPU time
// read from /proc, and how late the generator's own event loop runs (a lagging generator measures itself).
import { readdirSync, readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';

/** The p-th percentile (nearest rank) of ascending `sorted`; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Latency samples in milliseconds. */
export class Latencies {
  readonly #samples: number[] = [];

  add(ms: number): void {
    this.#samples.push(ms);
  }

  get count(): number {
    return this.#samples.length;
  }

  summary(): LatencySummary {
    const sorted = [...this.#samples].sort((a, b) => a - b);
    const sum = sorted.reduce((a, b) => a + b, 0);
    return {
      count: sorted.length,
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
      mean: sorted.length ? sum / sorted.length : Number.NaN,
    };
  }
}

/** Counts by name (error codes, disconnect reasons). */
export class Tally {
  readonly counts = new Map<string, number>();

  add(name: string, n = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + n);
  }

  get total(): number {
    let total = 0;
    for (const n of this.counts.values()) total += n;
    return total;
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort((a, b) => b[1] - a[1]));
  }

  toString(): string {
    return [...this.counts].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}×${v}`).join(', ');
  }
}

/** Resident set size of a process in KB (VmRSS), or NaN when it is gone. */
export function rssKb(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Clock ticks per second of /proc/<pid>/stat (getconf CLK_TCK; 100 on every Linux we run on). */
const TICKS_PER_SECOND = 100;

/** CPU time (user + system) a process has used, in milliseconds, or NaN when it is gone. */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at field 3; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** Processes whose command line matches `pattern` (e.g. the PostgreSQL backends serving one database). */
export function pidsMatching(pattern: RegExp): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (pattern.test(readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' '))) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** CPU use of some processes over an interval, as a share of one core (1.0 = one core busy all the time). */
export class CpuMeter {
  readonly #pids: readonly number[];
  readonly #start: number[];
  readonly #startAt = performance.now();

  constructor(pids: readonly number[]) {
    this.#pids = pids;
    this.#start = pids.map(cpuMs);
  }

  /** Per process, the share of one core used since the meter started. */
  read(): number[] {
    const elapsed = performance.now() - this.#startAt;
    return this.#pids.map((pid, i) => (cpuMs(pid) - this.#start[i]!) / elapsed);
  }

  /** The processes together (those that ended meanwhile count as nothing). */
  total(): number {
    return this.read().reduce((sum, share) => sum + (Number.isFinite(share) ? share : 0), 0);
  }
}

/** What the whole machine's CPUs did over an interval (/proc/stat), as shares of all its time. */
export class MachineCpu {
  static readonly FIELDS = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;
  readonly #start = MachineCpu.#read();

  static #read(): number[] {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    return line.trim().split(/\s+/).slice(1, 1 + MachineCpu.FIELDS.length).map(Number);
  }

  /** Shares (0..1) by kind since the meter started; `busy` is everything but idle and iowait. */
  read(): Record<(typeof MachineCpu.FIELDS)[number] | 'busy', number> {
    const now = MachineCpu.#read();
    const delta = now.map((v, i) => v - this.#start[i]!);
    const total = delta.reduce((a, b) => a + b, 0) || 1;
    const shares = Object.fromEntries(MachineCpu.FIELDS.map((name, i) => [name, delta[i]! / total])) as Record<(typeof MachineCpu.FIELDS)[number], number>;
    return { ...shares, busy: 1 - shares.idle - shares.iowait };
  }
}

export interface LoopLag {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** How late this process's event loop runs timers, while it runs. */
export class LoopLagMeter {
  readonly #histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });

  constructor() {
    this.#histogram.enable();
  }

  stop(): LoopLag {
    this.#histogram.disable();
    // The histogram measures the whole delay, including the 10 ms resolution it sleeps for.
    const lag = (ns: number) => Math.max(0, ns / 1e6 - 10);
    return { p50Ms: lag(this.#histogram.percentile(50)), p99Ms: lag(this.#histogram.percentile(99)), maxMs: lag(this.#histogram.max) };
  }
}

/** A small seeded generator (mulberry32), so a run's arrivals and texts can be repeated. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
