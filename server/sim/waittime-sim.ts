// `tandem sim waittime`: a seeded discrete-event simulation of the queue for people that drives the SAME routing
// (server/core/routing.ts) and the SAME wait-time promises (server/core/waittime/) as the live server, on a
// simulated clock. Customers arrive by type (rates that change over the day, bursts), agents work shifts with a
// capacity and skills, chats share an agent's attention (multitasking slows each one), customers give up
// (some silently). Every customer's own draws come from their own random stream, so the baselines, computed in
// the same run on the same customers, are compared pair by pair. An oracle re-simulates the future from a
// sample of customers' arrivals to find the best promise anyone could have made (docs/WAITTIME.md).
import type { InteractionType, PresenceStatus } from '../../shared/protocol.ts';
import { bestAgent, compareWaiting, freeSlots, freeSlotsFor, hasSkill, type AgentSlots, type WaitingChat } from '../core/routing.ts';
import { roundUpToGrid } from '../core/waittime/promise-grid.ts';
import { WaitPromises, type CurrentPromise } from '../core/waittime/wait-promises.ts';
import { erlangC } from '../core/waittime/stats.ts';
import { EventHeap } from './event-heap.ts';
import { empirical, exponential, gamma, lognormal, lognormalBeyond, pareto, stream, uniform, weibull, weibullBeyond, type Random } from './random.ts';
import { scenarioTypes, type DurationSpec, type PatienceSpec, type Scenario, type ScenarioType } from './scenario.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** How often waiting customers' promises are reviewed (the live server does it on every queue change). */
const REVIEW_MS = 30_000;
/** Arrivals go on this long after the measured period, so its last customers see a normal queue. */
const TAIL_MS = 2 * HOUR;
/** An oracle continuation stops here: the wait is "longer than this". */
const ORACLE_CAP_MS = 12 * HOUR;

export const METHODS = ['tandem', 'rollingMean', 'ewma', 'erlangC', 'queueLength'] as const;
export type Method = (typeof METHODS)[number];

/** What one method told one customer at handoff: a promise in seconds (null: no number) and a point estimate. */
interface Told {
  seconds: number | null;
  issuedAt: number;
  point: number | null;
}

export interface SimCustomer {
  id: number;
  chat: WaitingChat;
  typeIndex: number;
  /** work in agent-seconds */
  work: number;
  /** ms after queueing at which they give up; Infinity: never */
  patience: number;
  silent: boolean;
  state: 'new' | 'waiting' | 'gone-silent' | 'serving' | 'done' | 'abandoned';
  servedAt?: number;
  leftAt?: number;
  /** served the moment they were handed off (no queue, no promise) */
  immediate: boolean;
  /** arrived during a burst or in the 30 minutes after one */
  burst: boolean;
  measured: boolean;
  told?: Record<Method, Told>;
  /** when Tandem moved its first promise later (that promise counts as broken) */
  revisedAt?: number;
  /** the oracle's quantile of this customer's wait, seconds (sampled customers only) */
  oracle?: number;
}

interface InService {
  customer: SimCustomer;
  remaining: number;
  /** work done before a snapshot (oracle continuations resample the rest given it) */
  done: number;
}

interface SimAgent {
  slots: AgentSlots;
  chats: InService[];
  stamp: number;
  version: number;
  onShift: boolean;
  absent: boolean;
}

type SimEvent =
  | { k: 'arrive'; type: number }
  | { k: 'done'; agent: SimAgent; version: number }
  | { k: 'abandon'; customer: SimCustomer }
  | { k: 'shift'; agent: number; on: boolean }
  | { k: 'absence'; index: number; day: number; start: boolean }
  | { k: 'deadline' }
  | { k: 'review' };

/** Tie order at one instant: slots free first, then people leave, shifts change, customers arrive, reviews. */
const RANK = { done: 0, abandon: 1, shift: 2, absence: 2, arrive: 3, deadline: 4, review: 5 } as const;

export interface SimOptions {
  seed: number;
  /** run the oracle for every n-th queued customer (0: no oracle) */
  oracleEvery?: number;
  /** continuations per oracle sample */
  oracleRuns?: number;
  /** time every promise computation (for the benchmark) */
  timePromises?: boolean;
}

export interface SimRun {
  scenario: Scenario;
  seed: number;
  customers: SimCustomer[];
  /** measured period [from, to) in simulated ms */
  from: number;
  to: number;
  bursts: { from: number; to: number }[];
  events: number;
  /** milliseconds per promise computation, when timed */
  promiseMs: number[];
  types: InteractionType[];
}

/** The scenario's arrival model, shared by the main run and the oracle's continuations. */
class Arrivals {
  readonly types: ReturnType<typeof scenarioTypes>;
  readonly #scenario: Scenario;
  readonly #dayFactors: number[];
  readonly max: number[];

  constructor(scenario: Scenario, seed: number, horizon: number) {
    this.#scenario = scenario;
    this.types = scenarioTypes(scenario);
    const days = Math.ceil(horizon / DAY) + 1;
    const shape = scenario.arrivals.dayFactorShape;
    const r = stream(seed, 'day-factor');
    this.#dayFactors = Array.from({ length: days }, () => (shape ? gamma(r, shape, 1 / shape) : 1));
    const hourly = scenario.arrivals.hourly ?? Array<number>(24).fill(1);
    const peakHour = Math.max(...hourly);
    const peakDay = Math.max(...this.#dayFactors);
    this.max = this.types.map(({ type, share }) => {
      let burst = 1;
      for (const b of scenario.arrivals.bursts) if (!b.types || b.types.includes(type)) burst = Math.max(burst, b.factor);
      // Bursts on the same type may overlap: bound by their product.
      const overlapping = scenario.arrivals.bursts.filter((b) => !b.types || b.types.includes(type)).reduce((p, b) => p * Math.max(1, b.factor), 1);
      return (scenario.arrivals.perHour / HOUR) * share * peakHour * peakDay * Math.max(burst, overlapping);
    });
  }

  /** Arrivals per ms of type index `i` at time `t`; `forecast` leaves out what nobody knows ahead (bursts, the day's noise). */
  rate(i: number, t: number, forecast = false): number {
    const s = this.#scenario;
    const { type, share } = this.types[i]!;
    const hour = Math.floor((t % DAY) / HOUR);
    let rate = (s.arrivals.perHour / HOUR) * share * (s.arrivals.hourly?.[hour] ?? 1);
    if (forecast) return rate;
    rate *= this.#dayFactors[Math.floor(t / DAY)] ?? 1;
    for (const b of s.arrivals.bursts) if (!b.types || b.types.includes(type)) rate *= burstFactor(b, t);
    return rate;
  }
}

function burstFactor(b: Scenario['arrivals']['bursts'][number], t: number): number {
  const day = Math.floor(t / DAY);
  if (b.days && !b.days.includes(day)) return 1;
  const start = day * DAY + b.atHour * HOUR;
  const end = start + b.minutes * 60_000;
  if (t < start || t >= end) return 1;
  const ramp = b.rampMinutes * 60_000;
  const up = ramp > 0 ? Math.min(1, (t - start) / ramp, (end - t) / ramp) : 1;
  return 1 + (b.factor - 1) * up;
}

function drawDuration(r: Random, spec: DurationSpec): number {
  switch (spec.dist) {
    case 'lognormal':
      return lognormal(r, spec.meanMinutes * 60, spec.sigma);
    case 'exponential':
      return exponential(r, spec.meanMinutes * 60);
    case 'empirical':
      return empirical(r, spec.minutes) * 60;
  }
}

/** Work still to do on a chat of which `done` agent-seconds are done: a fresh draw given that it lasted so long. */
function drawRemaining(r: Random, spec: ScenarioType, done: number): number {
  const h = spec.handle;
  switch (h.dist) {
    case 'lognormal':
      return Math.max(1, lognormalBeyond(r, h.meanMinutes * 60, h.sigma, done) - done);
    case 'exponential':
      return exponential(r, h.meanMinutes * 60);
    case 'empirical': {
      const longer = h.minutes.map((m) => m * 60).filter((s) => s > done);
      return longer.length ? empirical(r, longer) - done : 1;
    }
  }
}

function drawPatience(r: Random, spec: PatienceSpec, waited = 0): number {
  switch (spec.dist) {
    case 'weibull':
      return (waited > 0 ? weibullBeyond(r, spec.shape, spec.meanMinutes * 60, waited / 1000) * 1000 - waited : weibull(r, spec.shape, spec.meanMinutes * 60) * 1000);
    case 'exponential':
      return exponential(r, spec.meanMinutes * 60) * 1000;
    case 'none':
      return Number.POSITIVE_INFINITY;
  }
}

/** One agent's on/off times over the horizon, from their group's shifts. */
function shiftTimes(shifts: Scenario['agents'][number]['shifts'], horizon: number): { at: number; on: boolean }[] {
  if (!shifts) return [{ at: 0, on: true }];
  const times: { at: number; on: boolean }[] = [];
  for (let day = -1; day * DAY < horizon; day++) {
    for (const shift of shifts) {
      const on = day * DAY + shift.fromHour * HOUR;
      const off = day * DAY + shift.toHour * HOUR + (shift.toHour < shift.fromHour ? DAY : 0);
      if (off <= 0) continue;
      times.push({ at: Math.max(0, on), on: true }, { at: off, on: false });
    }
  }
  return times.sort((a, b) => a.at - b.at || Number(a.on) - Number(b.on));
}

/** A customer for a continuation: the main run's record stays untouched. */
function copyCustomer(customer: SimCustomer): SimCustomer {
  const { told: _told, ...rest } = customer;
  return { ...rest, chat: { ...customer.chat } };
}

interface Snapshot {
  now: number;
  agents: { slots: AgentSlots; chats: { customer: SimCustomer; done: number; silent: boolean }[]; onShift: boolean; absent: boolean }[];
  waiting: { customer: SimCustomer; gone: boolean }[];
  target: SimCustomer;
}

/** The simulation itself: a main run (with promises and baselines) or an oracle continuation (one target). */
class Engine {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly arrivals: Arrivals;
  readonly heap = new EventHeap<SimEvent>();
  readonly agents: SimAgent[] = [];
  readonly slots: AgentSlots[] = [];
  readonly waiting: SimCustomer[] = [];
  readonly customers: SimCustomer[] = [];
  readonly shiftPlan: { at: number; on: boolean }[][] = [];
  now = 0;
  events = 0;
  nextId = 0;
  readonly arrivalStreams: Random[];
  readonly arrivalsUntil: number;
  readonly measureFrom: number;
  readonly measureTo: number;
  readonly promises: WaitPromises | null;
  readonly options: SimOptions;
  readonly promiseMs: number[] = [];
  /** for oracle continuations: the customer whose wait is wanted, and their fresh randomness */
  target: SimCustomer | null = null;
  /** called in a main run when a customer has just joined the queue (the oracle samples there) */
  onQueued: ((customer: SimCustomer) => void) | null = null;
  readonly oracleRandom: Random | null;
  // baselines' state
  readonly #recent: { at: number; wait: number }[][];
  readonly #ewma: (number | null)[];

  constructor(scenario: Scenario, options: SimOptions, oracle?: { snapshot: Snapshot; random: Random; arrivals: Arrivals; shiftPlan: { at: number; on: boolean }[][] }) {
    this.scenario = scenario;
    this.seed = options.seed;
    this.options = options;
    this.measureFrom = scenario.warmupHours * HOUR;
    this.measureTo = this.measureFrom + scenario.days * DAY;
    this.arrivalsUntil = this.measureTo + TAIL_MS;
    this.arrivals = oracle?.arrivals ?? new Arrivals(scenario, options.seed, this.arrivalsUntil);
    const n = this.arrivals.types.length;
    this.#recent = Array.from({ length: n }, () => []);
    this.#ewma = Array<number | null>(n).fill(null);
    this.oracleRandom = oracle?.random ?? null;
    this.promises = oracle ? null : new WaitPromises({ confidence: scenario.confidence });
    this.arrivalStreams = this.arrivals.types.map(({ type }) => (oracle ? oracle.random : stream(options.seed, `arrivals:${type}`)));
    if (oracle) this.#restore(oracle.snapshot, oracle.shiftPlan);
    else this.#start();
  }

  #start(): void {
    let index = 0;
    for (const group of this.scenario.agents) {
      const plan = shiftTimes(group.shifts, this.arrivalsUntil + DAY);
      for (let i = 0; i < group.count; i++, index++) {
        const slots: AgentSlots = { id: `a${index}`, status: 'offline', capacity: group.capacity, skills: group.skills ?? null, holding: [], idleSince: 0, reserve: group.reserveForUrgent };
        this.agents.push({ slots, chats: [], stamp: 0, version: 0, onShift: false, absent: false });
        this.slots.push(slots);
        this.shiftPlan.push(plan);
        for (const { at, on } of plan) this.heap.push(at, RANK.shift, { k: 'shift', agent: index, on });
      }
    }
    this.scenario.absences.forEach((absence, i) => {
      for (let day = 0; day * DAY < this.arrivalsUntil; day++) {
        if (absence.days && !absence.days.includes(day)) continue;
        const at = day * DAY + absence.atHour * HOUR;
        this.heap.push(at, RANK.absence, { k: 'absence', index: i, day, start: true });
        this.heap.push(at + absence.minutes * 60_000, RANK.absence, { k: 'absence', index: i, day, start: false });
      }
    });
    this.arrivals.types.forEach((_, i) => this.#nextArrival(i, 0));
    this.heap.push(REVIEW_MS, RANK.review, { k: 'review' });
  }

  /** Rebuild a continuation from a snapshot, with fresh draws for everything not yet known. */
  #restore(snapshot: Snapshot, shiftPlan: { at: number; on: boolean }[][]): void {
    const r = this.oracleRandom!;
    this.now = snapshot.now;
    snapshot.agents.forEach((a, index) => {
      const slots: AgentSlots = { ...a.slots, holding: [...a.slots.holding] };
      const agent: SimAgent = { slots, chats: [], stamp: this.now, version: 0, onShift: a.onShift, absent: a.absent };
      for (const chat of a.chats) {
        const spec = this.arrivals.types[chat.customer.typeIndex]!.spec;
        const remaining = chat.silent ? Math.max(1, chat.customer.work - chat.done) : drawRemaining(r, spec, chat.done);
        agent.chats.push({ customer: copyCustomer(chat.customer), remaining, done: 0 });
      }
      this.agents.push(agent);
      this.slots.push(slots);
      this.shiftPlan.push(shiftPlan[index]!);
      for (const { at, on } of shiftPlan[index]!) if (at > this.now) this.heap.push(at, RANK.shift, { k: 'shift', agent: index, on });
      this.#schedule(agent);
    });
    this.scenario.absences.forEach((absence, i) => {
      for (let day = 0; day * DAY < this.arrivalsUntil + DAY; day++) {
        if (absence.days && !absence.days.includes(day)) continue;
        const at = day * DAY + absence.atHour * HOUR;
        if (at > this.now) this.heap.push(at, RANK.absence, { k: 'absence', index: i, day, start: true });
        if (at + absence.minutes * 60_000 > this.now) this.heap.push(at + absence.minutes * 60_000, RANK.absence, { k: 'absence', index: i, day, start: false });
      }
    });
    for (const { customer, gone } of snapshot.waiting) {
      // A copy: the continuation must not touch the main run's customers.
      const copy = copyCustomer(customer);
      this.waiting.push(copy);
      if (copy.id === snapshot.target.id) this.target = copy;
      if (copy.id === snapshot.target.id || gone) continue;
      const spec = this.arrivals.types[copy.typeIndex]!.spec;
      const patience = drawPatience(r, spec.patience, this.now - copy.chat.queuedAt);
      copy.silent = r.next() < this.scenario.silentAbandonShare;
      if (Number.isFinite(patience)) this.heap.push(this.now + Math.max(1, Math.round(patience)), RANK.abandon, { k: 'abandon', customer: copy });
    }
    this.arrivals.types.forEach((_, i) => this.#nextArrival(i, this.now));
  }

  #nextArrival(i: number, from: number): void {
    const max = this.arrivals.max[i]!;
    if (!(max > 0)) return;
    const r = this.arrivalStreams[i]!;
    let t = from;
    // Thinning (Lewis & Shedler): candidates at the peak rate, each kept with probability rate(t)/peak.
    for (;;) {
      t += Math.max(1, Math.round(exponential(r, 1 / max)));
      if (t >= this.arrivalsUntil) return;
      if (r.next() * max < this.arrivals.rate(i, t)) break;
    }
    this.heap.push(t, RANK.arrive, { k: 'arrive', type: i });
  }

  run(): void {
    for (let event = this.heap.pop(); event; event = this.heap.pop()) {
      this.now = event.time;
      this.events++;
      this.#handle(event.item);
      if (this.target && this.target.state !== 'waiting' && this.target.state !== 'new') return;
      if (this.target && this.now - this.target.chat.queuedAt > ORACLE_CAP_MS) return;
    }
  }

  #handle(e: SimEvent): void {
    switch (e.k) {
      case 'arrive':
        this.#arrive(e.type);
        this.#nextArrival(e.type, this.now);
        return;
      case 'done':
        if (e.version === e.agent.version) this.#complete(e.agent);
        return;
      case 'abandon':
        this.#abandon(e.customer);
        return;
      case 'shift':
        this.#shift(this.agents[e.agent]!, e.on);
        return;
      case 'absence':
        this.#absence(e.index, e.day, e.start);
        return;
      case 'deadline':
        this.promises?.expire(this.now);
        return;
      case 'review':
        this.#review();
        if (this.now < this.arrivalsUntil || this.waiting.length) this.heap.push(this.now + REVIEW_MS, RANK.review, { k: 'review' });
        return;
    }
  }

  #arrive(typeIndex: number): void {
    const { type, spec } = this.arrivals.types[typeIndex]!;
    const id = this.nextId++;
    const r = this.oracleRandom ?? stream(this.seed, 'customer', id);
    let work = drawDuration(r, spec.handle);
    if (spec.tail && r.next() < spec.tail.share) work = pareto(r, spec.tail.alpha, spec.tail.minMinutes) * 60;
    const patience = drawPatience(r, spec.patience);
    const silent = r.next() < this.scenario.silentAbandonShare;
    const customer: SimCustomer = {
      id: this.oracleRandom ? -1 - id : id,
      chat: { id: String(this.oracleRandom ? -1 - id : id), type, priority: spec.priority, queuedAt: this.now },
      typeIndex,
      work,
      patience,
      silent,
      state: 'new',
      immediate: false,
      burst: false,
      measured: !this.oracleRandom && this.now >= this.measureFrom && this.now < this.measureTo,
    };
    if (!this.oracleRandom) this.customers.push(customer);
    this.promises?.arrived(this.now, customer.chat);
    const free = bestAgent(this.slots, customer.chat);
    if (free) {
      customer.immediate = true;
      this.#assign(customer, this.agents[this.slots.indexOf(free)]!);
      return;
    }
    customer.state = 'waiting';
    const index = this.#insert(customer);
    if (Number.isFinite(patience)) this.heap.push(this.now + Math.max(1, Math.round(patience)), RANK.abandon, { k: 'abandon', customer });
    if (this.promises) this.#tell(customer, index);
    this.onQueued?.(customer);
  }

  /** Insert into the ordered queue; returns the index. */
  #insert(customer: SimCustomer): number {
    let lo = 0;
    let hi = this.waiting.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareWaiting(this.waiting[mid]!.chat, customer.chat) <= 0) lo = mid + 1;
      else hi = mid;
    }
    this.waiting.splice(lo, 0, customer);
    return lo;
  }

  #remove(customer: SimCustomer): void {
    const index = this.waiting.indexOf(customer);
    if (index >= 0) this.waiting.splice(index, 1);
  }

  /** What every method tells a customer who has to wait: Tandem's promise, then each baseline's. */
  #tell(customer: SimCustomer, index: number): void {
    const promises = this.promises!;
    const now = this.now;
    const started = this.options.timePromises ? performance.now() : 0;
    const shown = promises.current(now, customer.chat, index, this.slots);
    if (this.options.timePromises) this.promiseMs.push(performance.now() - started);
    const issued = promises.promiseOf(customer.chat.id);
    const told = {} as Record<Method, Told>;
    told.tandem = shown.kind === 'promise' ? { seconds: shown.seconds, issuedAt: now, point: issued?.point ?? null } : { seconds: null, issuedAt: now, point: null };
    if (shown.kind === 'promise') this.heap.push(shown.deadline + 1, RANK.deadline, { k: 'deadline' });
    const i = customer.typeIndex;
    // Rolling mean (Salesforce Omni-Channel): the last ≤ 10 waits accepted in 10 minutes, newest weighing most.
    const recent = this.#recent[i]!.filter((w) => now - w.at <= 10 * 60_000).slice(-10);
    let weighted = 0;
    let weights = 0;
    recent.forEach((w, k) => {
      weighted += (k + 1) * w.wait;
      weights += k + 1;
    });
    const rolling = weights > 0 ? weighted / weights : null;
    told.rollingMean = { seconds: rolling === null ? null : roundUpToGrid(rolling), issuedAt: now, point: rolling };
    // Exponentially weighted mean of accepted waits (A ← 0.9A + 0.1W).
    const ewma = this.#ewma[i]!;
    told.ewma = { seconds: ewma === null ? null : roundUpToGrid(ewma), issuedAt: now, point: ewma };
    // Erlang C on the forecast, the whole team as one pool (as products compute it): slots online, the
    // measured mean holding time, the forecast arrival rate.
    let servers = 0;
    for (const s of this.slots) if (s.status === 'online') servers += s.capacity;
    let lambda = 0;
    this.arrivals.types.forEach((_, k) => (lambda += this.arrivals.rate(k, now, true) * 1000));
    let holdSum = 0;
    this.arrivals.types.forEach(({ type, share }) => (holdSum += share * promises.model.holdSeconds(type)));
    const mu = 1 / holdSum;
    if (servers > 0 && lambda < servers * mu) {
      const c = erlangC(servers, lambda / mu);
      const alpha = 1 - this.scenario.confidence;
      const quantile = c > alpha ? Math.log(c / alpha) / (servers * mu - lambda) : 0;
      told.erlangC = { seconds: roundUpToGrid(Math.max(quantile, 1)), issuedAt: now, point: c / (servers * mu - lambda) };
    } else told.erlangC = { seconds: null, issuedAt: now, point: null };
    // The queue-length quantile without calibration.
    const ql = promises.uncalibrated(now, customer.chat, index, this.slots);
    told.queueLength = { seconds: ql?.seconds ?? null, issuedAt: now, point: ql?.mean ?? null };
    customer.told = told;
  }

  #review(): void {
    if (!this.promises) return;
    for (let index = 0; index < this.waiting.length; index++) {
      const customer = this.waiting[index]!;
      const before = this.promises.promiseOf(customer.chat.id);
      const shown: CurrentPromise = this.promises.current(this.now, customer.chat, index, this.slots);
      const after = this.promises.promiseOf(customer.chat.id);
      if (customer.told?.tandem.seconds === null && shown.kind === 'promise' && before?.numberless) {
        // The first number this customer saw came later: it is their promise.
        customer.told.tandem = { seconds: shown.seconds, issuedAt: this.now, point: after?.point ?? null };
      }
      // A new number (first, revised or late) falls due at its own deadline.
      if (after && after !== before && !after.numberless) this.heap.push(after.deadline + 1, RANK.deadline, { k: 'deadline' });
      if (shown.change === 'revised' && before?.first && customer.revisedAt === undefined) customer.revisedAt = this.now;
    }
  }

  #assign(customer: SimCustomer, agent: SimAgent): void {
    this.#advance(agent);
    const work = customer.state === 'gone-silent' ? uniform(this.oracleRandom ?? stream(this.seed, 'silent', customer.id), ...this.scenario.silentCloseSeconds) : customer.work;
    agent.chats.push({ customer, remaining: work, done: 0 });
    (agent.slots.holding as (InteractionType | null)[]).push(customer.chat.type);
    this.#schedule(agent);
    customer.state = 'serving';
    customer.servedAt = this.now;
    // Every start counts, immediate ones too: it may be the successor that resolves a customer who left.
    this.promises?.served(this.now, customer.chat, agent.slots.skills);
    if (this.promises) {
      const wait = (this.now - customer.chat.queuedAt) / 1000;
      const i = customer.typeIndex;
      this.#recent[i]!.push({ at: this.now, wait });
      if (this.#recent[i]!.length > 10) this.#recent[i]!.shift();
      const e = this.#ewma[i]!;
      this.#ewma[i] = e === null ? wait : 0.9 * e + 0.1 * wait;
    }
  }

  #rate(agent: SimAgent): number {
    const k = agent.chats.length;
    if (k === 0) return 0;
    const c = this.scenario.concurrency;
    return c[Math.min(k, c.length) - 1]! / k;
  }

  #advance(agent: SimAgent): void {
    const per = this.#rate(agent);
    if (per > 0 && this.now > agent.stamp) {
      const dt = ((this.now - agent.stamp) / 1000) * per;
      for (const chat of agent.chats) {
        chat.remaining -= dt;
        chat.done += dt;
      }
    }
    agent.stamp = this.now;
  }

  #schedule(agent: SimAgent): void {
    agent.version++;
    const per = this.#rate(agent);
    if (per === 0) return;
    let min = Number.POSITIVE_INFINITY;
    for (const chat of agent.chats) if (chat.remaining < min) min = chat.remaining;
    this.heap.push(this.now + Math.max(1, Math.ceil((Math.max(0, min) / per) * 1000)), RANK.done, { k: 'done', agent, version: agent.version });
  }

  #complete(agent: SimAgent): void {
    this.#advance(agent);
    const holding = agent.slots.holding as (InteractionType | null)[];
    for (let i = agent.chats.length - 1; i >= 0; i--) {
      const chat = agent.chats[i]!;
      if (chat.remaining > 1e-3) continue;
      agent.chats.splice(i, 1);
      holding.splice(holding.indexOf(chat.customer.chat.type), 1);
      chat.customer.state = 'done';
      this.promises?.released(chat.customer.chat.type, this.now - chat.customer.servedAt!);
    }
    agent.slots.idleSince = this.now;
    this.#settle(agent);
    this.#fill(agent);
    this.#schedule(agent);
  }

  /** An agent with a free slot takes the first waiting chat they have the skill for, until full. */
  #fill(agent: SimAgent): void {
    while (freeSlots(agent.slots) > 0) {
      const index = this.waiting.findIndex((c) => freeSlotsFor(agent.slots, c.chat) > 0 && hasSkill(agent.slots, c.chat.type));
      if (index < 0) return;
      const [customer] = this.waiting.splice(index, 1);
      this.#assign(customer!, agent);
    }
  }

  /** Status from shift and absence: online on shift; off shift or absent, away while finishing chats, then offline. */
  #settle(agent: SimAgent): void {
    const status: PresenceStatus = agent.onShift && !agent.absent ? 'online' : agent.chats.length > 0 ? 'away' : 'offline';
    if (status === 'online' && agent.slots.status !== 'online') agent.slots.idleSince = this.now;
    agent.slots.status = status;
  }

  #shift(agent: SimAgent, on: boolean): void {
    agent.onShift = on;
    this.#settle(agent);
    if (on) this.#fill(agent);
  }

  #absence(index: number, day: number, start: boolean): void {
    const absence = this.scenario.absences[index]!;
    const r = stream(this.seed, 'absence', index * 10_000 + day);
    if (start) {
      for (const agent of this.agents) {
        if (agent.slots.status === 'online' && r.next() < absence.share) {
          agent.absent = true;
          this.#settle(agent);
        }
      }
    } else {
      for (const agent of this.agents) {
        if (!agent.absent) continue;
        agent.absent = false;
        this.#settle(agent);
        this.#fill(agent);
      }
    }
  }

  #abandon(customer: SimCustomer): void {
    if (customer.state !== 'waiting') return;
    if (customer.silent) {
      customer.state = 'gone-silent';
      customer.leftAt = this.now;
      return;
    }
    this.#remove(customer);
    customer.state = 'abandoned';
    customer.leftAt = this.now;
    this.promises?.abandoned(this.now, customer.chat);
  }

  snapshot(target: SimCustomer): Snapshot {
    for (const agent of this.agents) this.#advance(agent);
    return {
      now: this.now,
      agents: this.agents.map((a) => ({
        slots: { ...a.slots, holding: [...a.slots.holding] },
        chats: a.chats.map((c) => ({ customer: c.customer, done: Math.max(0, c.done), silent: c.customer.leftAt !== undefined })),
        onShift: a.onShift,
        absent: a.absent,
      })),
      waiting: this.waiting.map((customer) => ({ customer, gone: customer.state === 'gone-silent' })),
      target,
    };
  }
}

/** The (confidence)-quantile of the target's wait over `runs` re-simulations from its arrival, seconds. */
function oracleQuantile(engine: Engine, target: SimCustomer, runs: number): number {
  const snapshot = engine.snapshot(target);
  const waits: number[] = [];
  for (let run = 0; run < runs; run++) {
    const random = stream(engine.seed, 'oracle', target.id * 1000 + run);
    const continuation = new Engine(engine.scenario, { seed: engine.seed }, { snapshot, random, arrivals: engine.arrivals, shiftPlan: engine.shiftPlan });
    const copy = continuation.target!;
    continuation.run();
    waits.push(copy.servedAt === undefined ? ORACLE_CAP_MS / 1000 : (copy.servedAt - snapshot.now) / 1000);
  }
  waits.sort((a, b) => a - b);
  return waits[Math.min(waits.length - 1, Math.ceil(engine.scenario.confidence * waits.length) - 1)]!;
}

/** Run a scenario with a seed. */
export function simulate(scenario: Scenario, options: SimOptions): SimRun {
  const engine = new Engine(scenario, options);
  const every = options.oracleEvery ?? 0;
  if (every > 0) {
    const runs = options.oracleRuns ?? 100;
    let queued = 0;
    engine.onQueued = (customer) => {
      if (customer.measured && queued++ % every === 0) customer.oracle = oracleQuantile(engine, customer, runs);
    };
  }
  engine.run();
  const bursts: { from: number; to: number }[] = [];
  for (let day = 0; day * DAY < engine.arrivalsUntil; day++) {
    for (const b of scenario.arrivals.bursts) {
      if (b.days && !b.days.includes(day)) continue;
      const from = day * DAY + b.atHour * HOUR;
      bursts.push({ from, to: from + b.minutes * 60_000 + 30 * 60_000 });
    }
  }
  for (const c of engine.customers) c.burst = bursts.some((b) => c.chat.queuedAt >= b.from && c.chat.queuedAt < b.to);
  return {
    scenario,
    seed: options.seed,
    customers: engine.customers,
    from: engine.measureFrom,
    to: engine.measureTo,
    bursts,
    events: engine.events,
    promiseMs: engine.promiseMs,
    types: engine.arrivals.types.map((t) => t.type),
  };
}
