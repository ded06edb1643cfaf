// Wait-time promises: what a waiting customer is told, and the book of whether it came true.
//
// A promise is a deadline: "a person will join within N", N a grid value at the stated confidence. It comes
// from the queue model's quantile for this chat, corrected per interaction type by the online calibrator,
// which learns from every promise's outcome: kept (an agent took the chat by the deadline) or broken (the
// deadline passed first, or we had to move it later). A customer who leaves before the deadline tells us
// nothing directly; the first chat ranked behind them that an agent with their skill takes shows when their
// turn would have come (successor imputation, docs/WAITTIME.md), and that resolves their promise.
// Only the first promise of each wait is counted and learned from: later ones (after a revision) are shown
// but would flatter the figures, being made when the answer is nearer.
import type { InteractionType } from '../../../shared/protocol.ts';
import { compareWaiting, neededSkill, type AgentSlots, type WaitingChat } from '../routing.ts';
import { PromiseCalibrator, type CalibratorOptions } from './calibration.ts';
import { MAX_PROMISE_SECONDS, roundUpToGrid } from './promise-grid.ts';
import { keyOf, QueueModel, waitQuantile, type NoPromiseReason, type QueueModelOptions, type TypeKey } from './queue-model.ts';

/** Seconds added before scaling, so one multiplicative correction serves empty and long queues alike. */
const SCALE_OFFSET = 10;
/** A promise is moved later once the wait's calibrated quantile at this level passes its deadline. */
const REVISE_QUANTILE = 0.25;
/** How long a customer who left is followed for a successor before calibration takes what it knows. */
const GHOST_LIMIT_MS = 2 * 3_600_000;

export type Quote =
  | { kind: 'promise'; seconds: number; confidence: number; point: number; mean: number; base: number; key: TypeKey }
  | { kind: 'none'; reason: NoPromiseReason };

export type Outcome = 'kept' | 'broken' | 'censored';

/**
 * Calibration groups (Mondrian by type × regime): a type's promises made while handoffs outpace the agents'
 * slots freeing up are calibrated apart, so a burst's promises learn from earlier bursts, not from quiet hours.
 */
function calibrationKey(type: InteractionType | null, surge: boolean): TypeKey {
  return surge ? (`${keyOf(type)}:surge` as TypeKey) : keyOf(type);
}

export interface IssuedPromise {
  chatId: string;
  type: InteractionType | null;
  issuedAt: number;
  /** the grid value told to the customer, seconds */
  seconds: number;
  deadline: number;
  /** the point estimate of the wait at the time, seconds */
  point: number;
  /** the queue model's own mean wait at the time, seconds (what the point estimate's correction learns from) */
  mean: number;
  /** the queue model's uncalibrated quantile at the time, seconds (what calibration scores) */
  base: number;
  /** the calibration group it belongs to: its type, and whether handoffs outpaced the agents at the time */
  key: TypeKey;
  /** no number could be given: this records only that the customer is waiting without one */
  numberless?: NoPromiseReason;
  /** the first promise of this wait (the one counted) */
  first: boolean;
  /** a customer left before the deadline; their turn is read from the first successor served */
  ghost?: WaitingChat;
  outcome?: Outcome;
}

/** What a waiting customer is shown now. */
export type CurrentPromise =
  | {
      kind: 'promise';
      /** seconds from now, rounded up to the grid */
      seconds: number;
      confidence: number;
      deadline: number;
      /** set when this promise replaces an earlier one: moved later before the deadline, or after it passed */
      change?: 'revised' | 'late';
    }
  | { kind: 'none'; reason: NoPromiseReason; change?: 'revised' | 'late' };

export interface WaitPromisesOptions extends QueueModelOptions, CalibratorOptions {
  /** called once per promise when its outcome is known */
  onOutcome?: (promise: IssuedPromise, outcome: Outcome, at: number) => void;
}

/** A least-squares ratio of actual to predicted mean waits, forgetting slowly: makes the point estimate unbiased. */
class RatioTracker {
  #xy = 0;
  #xx = 0;
  add(predicted: number, actual: number): void {
    this.#xy = 0.98 * this.#xy + predicted * actual;
    this.#xx = 0.98 * this.#xx + predicted * predicted;
  }
  get value(): number {
    return this.#xx > 0 ? this.#xy / this.#xx : 1;
  }
}

export class WaitPromises {
  readonly model: QueueModel;
  readonly calibrator: PromiseCalibrator;
  readonly #open = new Map<string, IssuedPromise>();
  /** promises of customers who left before their deadline, waiting for a successor to be served */
  readonly #ghosts = new Set<IssuedPromise>();
  readonly #ratio = new Map<TypeKey, RatioTracker>();
  readonly #onOutcome: WaitPromisesOptions['onOutcome'];

  constructor(options: WaitPromisesOptions = {}) {
    this.model = new QueueModel(options);
    this.calibrator = new PromiseCalibrator(options);
    this.#onOutcome = options.onOutcome;
  }

  get confidence(): number {
    return this.calibrator.confidence;
  }

  /** The promise the model would make for `chat` at `index` of the ordered queue now (no bookkeeping). */
  quote(now: number, chat: WaitingChat, index: number, agents: readonly AgentSlots[]): Quote {
    const prediction = this.model.predict(now, chat, index, agents);
    if (prediction.kind === 'none') return prediction;
    const key = calibrationKey(chat.type, prediction.surge);
    const base = waitQuantile(prediction, this.confidence);
    const seconds = roundUpToGrid(Math.max(0, (base + SCALE_OFFSET) * Math.exp(this.calibrator.offset(key)) - SCALE_OFFSET));
    if (seconds === null) return { kind: 'none', reason: 'too_long' };
    const point = prediction.mean * (this.#ratio.get(key)?.value ?? 1);
    return { kind: 'promise', seconds, confidence: this.confidence, point, mean: prediction.mean, base, key };
  }

  /** The uncalibrated queue-length quantile (a baseline the benchmark compares against). */
  uncalibrated(now: number, chat: WaitingChat, index: number, agents: readonly AgentSlots[]): { seconds: number | null; mean: number } | null {
    const prediction = this.model.predict(now, chat, index, agents);
    if (prediction.kind === 'none') return null;
    return { seconds: roundUpToGrid(waitQuantile(prediction, this.confidence)), mean: prediction.mean };
  }

  /** The promise currently standing for a chat. */
  promiseOf(chatId: string): IssuedPromise | undefined {
    return this.#open.get(chatId);
  }

  /**
   * What to tell a waiting customer now: their standing promise while it holds; a first promise when they have
   * none; a new one, marked as a change, when the standing one passed or is now expected to break (we never
   * show a number we expect to break). `index` is their place in the ordered queue (0 = next).
   */
  current(now: number, chat: WaitingChat, index: number, agents: readonly AgentSlots[]): CurrentPromise {
    this.expire(now);
    const standing = this.#open.get(chat.id);
    if (!standing) return this.#issue(now, chat, index, agents, true);
    // Waiting without a number: give the first number as soon as one can be honest.
    if (standing.numberless) return this.#issue(now, chat, index, agents, true);
    if (standing.outcome) return this.#issue(now, chat, index, agents, false, 'late');
    if (this.#expectBroken(now, standing, chat, index, agents)) {
      this.#resolve(standing, 'broken', now);
      return this.#issue(now, chat, index, agents, false, 'revised');
    }
    const seconds = roundUpToGrid(Math.max(1, (standing.deadline - now) / 1000)) ?? standing.seconds;
    return { kind: 'promise', seconds, confidence: this.confidence, deadline: standing.deadline };
  }

  #issue(now: number, chat: WaitingChat, index: number, agents: readonly AgentSlots[], first: boolean, change?: 'revised' | 'late'): CurrentPromise {
    const quote = this.quote(now, chat, index, agents);
    const promise: IssuedPromise = { chatId: chat.id, type: chat.type, issuedAt: now, seconds: 0, deadline: Number.POSITIVE_INFINITY, point: 0, mean: 0, base: 0, key: keyOf(chat.type), first };
    if (quote.kind === 'none') {
      promise.numberless = quote.reason;
      this.#open.set(chat.id, promise);
      return change ? { kind: 'none', reason: quote.reason, change } : { kind: 'none', reason: quote.reason };
    }
    Object.assign(promise, { seconds: quote.seconds, deadline: now + quote.seconds * 1000, point: quote.point, mean: quote.mean, base: quote.base, key: quote.key });
    this.#open.set(chat.id, promise);
    const shown: CurrentPromise = { kind: 'promise', seconds: quote.seconds, confidence: quote.confidence, deadline: promise.deadline };
    if (change) shown.change = change;
    return shown;
  }

  /**
   * Whether the standing promise is now expected to break: even the calibrated REVISE_QUANTILE-quantile of the
   * wait from now overshoots its deadline. (The median revised too eagerly in the simulator: half the promises
   * it moved would have been kept, and each move counts as a broken promise.)
   */
  #expectBroken(now: number, standing: IssuedPromise, chat: WaitingChat, index: number, agents: readonly AgentSlots[]): boolean {
    const prediction = this.model.predict(now, chat, index, agents);
    if (prediction.kind === 'none') return true;
    const low = (waitQuantile(prediction, REVISE_QUANTILE) + SCALE_OFFSET) * Math.exp(this.calibrator.offset(calibrationKey(chat.type, prediction.surge))) - SCALE_OFFSET;
    return now + low * 1000 > standing.deadline;
  }

  /** A chat entered the queue. */
  arrived(now: number, chat: WaitingChat): void {
    this.model.arrived(now, chat);
  }

  /**
   * An agent took the chat (its wait ends): its promise resolves, and so does that of every customer who left
   * ahead of it and whom this agent could have served (their turn would have come by now).
   */
  served(now: number, chat: WaitingChat, skills: readonly InteractionType[] | null): void {
    this.expire(now);
    this.model.left(now, now - chat.queuedAt, false);
    const promise = this.#open.get(chat.id);
    if (promise) {
      this.#open.delete(chat.id);
      if (!promise.outcome && !promise.numberless) this.#resolve(promise, now <= promise.deadline ? 'kept' : 'broken', now);
      if (!promise.numberless && promise.first) this.#learn(promise, now);
    }
    for (const ghost of this.#ghosts) {
      const needed = neededSkill(ghost.ghost!);
      if (compareWaiting(ghost.ghost!, chat) < 0 && (skills === null || needed === null || skills.includes(needed))) {
        this.#ghosts.delete(ghost);
        if (!ghost.outcome) this.#resolve(ghost, now <= ghost.deadline ? 'kept' : 'broken', now);
        if (ghost.first) this.#learn(ghost, now);
      }
    }
  }

  /** The customer left the queue without being served (closed the chat, or gave up). */
  abandoned(now: number, chat: WaitingChat): void {
    this.expire(now);
    this.model.left(now, now - chat.queuedAt, true);
    const promise = this.#open.get(chat.id);
    this.#open.delete(chat.id);
    if (!promise || promise.numberless || (promise.outcome && !promise.first)) return;
    // Kept as a ghost until someone ranked behind is served: that resolves an open promise, and tells
    // calibration how long the wait would have been (dropping them would teach it only the short waits).
    promise.ghost = chat;
    this.#ghosts.add(promise);
  }

  /** An agent finished a chat they held for `heldMs` (feeds the service rate). */
  released(type: InteractionType | null, heldMs: number): void {
    this.model.released(type, heldMs);
  }

  /** Resolve, as broken, every promise whose deadline has passed. */
  expire(now: number): void {
    for (const promise of this.#open.values()) if (!promise.outcome && promise.deadline < now) this.#resolve(promise, 'broken', promise.deadline);
    for (const ghost of this.#ghosts) {
      if (!ghost.outcome && ghost.deadline < now) this.#resolve(ghost, 'broken', ghost.deadline);
      // A ghost nobody followed for hours (the queue emptied): learn from the wait it had at least.
      if (now - ghost.issuedAt > GHOST_LIMIT_MS) {
        this.#ghosts.delete(ghost);
        if (ghost.first) this.#learn(ghost, now);
      }
    }
  }

  /** The earliest deadline still open, for a timer; undefined when none. */
  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const promise of this.#open.values()) if (!promise.outcome && !promise.numberless && (next === undefined || promise.deadline < next)) next = promise.deadline;
    for (const ghost of this.#ghosts) if (!ghost.outcome && (next === undefined || ghost.deadline < next)) next = ghost.deadline;
    return next;
  }

  /** Forget a chat that left the queue for another reason (closed by staff, moved back to the AI). */
  forget(chatId: string): void {
    const promise = this.#open.get(chatId);
    this.#open.delete(chatId);
    if (promise && !promise.outcome && !promise.numberless) this.#resolve(promise, 'censored', promise.issuedAt);
  }

  #resolve(promise: IssuedPromise, outcome: Outcome, at: number): void {
    promise.outcome = outcome;
    if (promise.first && outcome !== 'censored') this.calibrator.update(promise.key, outcome === 'broken');
    this.#onOutcome?.(promise, outcome, at);
  }

  /** What a wait that ended at `servedAt` teaches: a calibration score, and the point estimate's bias. */
  #learn(promise: IssuedPromise, servedAt: number): void {
    const key = promise.key;
    const waited = (servedAt - promise.issuedAt) / 1000;
    this.calibrator.score(key, Math.log((waited + SCALE_OFFSET) / (promise.base + SCALE_OFFSET)));
    if (!(promise.mean > 0)) return;
    let ratio = this.#ratio.get(key);
    if (!ratio) this.#ratio.set(key, (ratio = new RatioTracker()));
    ratio.add(promise.mean, waited);
  }
}
