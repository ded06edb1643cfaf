// The base wait-time model: from the live state (who waits ahead, which agents with the skill are online and
// how busy, how fast their slots free up, how often more urgent chats arrive and how often waiting customers
// leave) to the distribution of the time until a person takes the chat.
//
// It is Ibrahim & Whitt's queue-length predictor with abandonment (QL_m; "Real-Time Delay Estimation in
// Overloaded Multiserver Queues with Abandonments", Management Science 55(10), 2009): with n customers ahead,
// slots freeing at rate d and each waiting customer leaving at rate θ, the wait is a sum of exponential
// stages with rates d + jθ, j = n … 0. Two changes for chat (ours, docs/WAITTIME.md): d counts the chats in
// progress on the agents who could take this one (the state, not a rolling average, so a mass log-off
// shows at once), and more urgent chats arriving meanwhile jump ahead, so d is reduced by their rate.
// Quantiles come from a gamma matched to the stages' mean and variance (exact when they are all equal).
import type { InteractionType, Priority } from '../../../shared/protocol.ts';
import { PRIORITY_RANK } from '../queue.ts';
import { eligibleFor, freeSlotsFor, type AgentSlots, type WaitingChat } from '../routing.ts';
import { DecayingRate, WeightedMean } from './rates.ts';
import { gammaQuantile } from './stats.ts';

export type Untyped = 'untyped';
export type TypeKey = InteractionType | Untyped | `${InteractionType | Untyped}:surge`;
export const keyOf = (type: InteractionType | null): TypeKey => type ?? 'untyped';

/** Why no honest number can be given. */
export type NoPromiseReason = 'no_agents' | 'overloaded' | 'too_long';

export type WaitPrediction =
  | { kind: 'wait'; mean: number; variance: number; ahead: number; serviceRate: number; surge: boolean }
  | { kind: 'none'; reason: NoPromiseReason; ahead: number };

export interface QueueModelOptions {
  /** mean time an agent holds a chat before any has ended, seconds */
  holdPriorSeconds?: number;
  /** how far back arrival and abandonment rates look, ms */
  rateWindowMs?: number;
  /** weight of each finished chat in the mean holding time */
  holdWeight?: number;
  /** expected time for an agent to pick a chat when a slot is free but nobody took it yet, seconds */
  pickSeconds?: number;
  /** below this share of the service rate left after more urgent arrivals, the queue is exploding */
  overloadShare?: number;
}

const TIERS: Priority[] = ['normal', 'high', 'urgent'];

export class QueueModel {
  readonly #holdPrior: number;
  readonly #holdWeight: number;
  readonly #pickSeconds: number;
  readonly #overloadShare: number;
  readonly #hold = new Map<TypeKey, WeightedMean>();
  readonly #arrivals: Record<Priority, DecayingRate>;
  readonly #abandons: DecayingRate;
  /** customer-seconds spent waiting by those who left the queue, decayed like the abandon count */
  readonly #exposure: DecayingRate;

  constructor(options: QueueModelOptions = {}) {
    const window = options.rateWindowMs ?? 10 * 60_000;
    this.#holdPrior = options.holdPriorSeconds ?? 600;
    this.#holdWeight = options.holdWeight ?? 0.05;
    this.#pickSeconds = options.pickSeconds ?? 30;
    this.#overloadShare = options.overloadShare ?? 0.1;
    this.#arrivals = { normal: new DecayingRate(window), high: new DecayingRate(window), urgent: new DecayingRate(window) };
    // Abandonment is rarer and noisier: a longer memory.
    this.#abandons = new DecayingRate(window * 3);
    this.#exposure = new DecayingRate(window * 3);
  }

  /** A chat entered the queue. */
  arrived(now: number, chat: Pick<WaitingChat, 'priority'>): void {
    this.#arrivals[chat.priority].add(now);
  }

  /** A chat left the queue after `waitedMs`: taken by an agent, or the customer gave up. */
  left(now: number, waitedMs: number, abandoned: boolean): void {
    this.#exposure.add(now, Math.max(0, waitedMs) / 1000);
    if (abandoned) this.#abandons.add(now);
  }

  /** An agent finished a chat of this type that they had held for `heldMs`. */
  released(type: InteractionType | null, heldMs: number): void {
    const key = keyOf(type);
    let mean = this.#hold.get(key);
    if (!mean) this.#hold.set(key, (mean = new WeightedMean(this.#holdPrior, this.#holdWeight)));
    mean.add(Math.max(1, heldMs / 1000));
  }

  /** Mean seconds an agent holds a chat of this type, as measured so far. */
  holdSeconds(type: InteractionType | null): number {
    return this.#hold.get(keyOf(type))?.value ?? this.#holdPrior;
  }

  /** Waiting customers leaving per second of waiting (the exponential-patience estimate). */
  abandonRate(now: number): number {
    const exposure = this.#exposure.total(now);
    return exposure > 300 ? this.#abandons.total(now) / exposure : 0;
  }

  /** Arrivals per second of chats more urgent than `priority`. */
  moreUrgentArrivals(now: number, priority: Priority): number {
    let rate = 0;
    for (const tier of TIERS) if (PRIORITY_RANK[tier] > PRIORITY_RANK[priority]) rate += this.#arrivals[tier].perSecond(now);
    return rate;
  }

  /** Handoffs per second, all priorities. */
  arrivalRate(now: number): number {
    let rate = 0;
    for (const tier of TIERS) rate += this.#arrivals[tier].perSecond(now);
    return rate;
  }

  /**
   * The predicted wait of `chat`, which stands at `index` in the ordered queue. `agents` are all agents with
   * what they hold now.
   */
  predict(now: number, chat: WaitingChat, index: number, agents: readonly AgentSlots[]): WaitPrediction {
    const eligible = eligibleFor(agents, chat);
    if (eligible.length === 0) return { kind: 'none', reason: 'no_agents', ahead: index };
    let free = 0;
    let rate = 0;
    for (const agent of eligible) {
      free += freeSlotsFor(agent, chat);
      for (const held of agent.holding) rate += 1 / this.holdSeconds(held);
    }
    // A free slot nobody has filled yet (agents picking by hand): the wait is how long they take to pick.
    const surge = this.arrivalRate(now) > rate;
    if (free > index) return { kind: 'wait', mean: this.#pickSeconds, variance: this.#pickSeconds ** 2, ahead: index, serviceRate: rate, surge };
    const ahead = index - free;
    const effective = rate - this.moreUrgentArrivals(now, chat.priority);
    if (!(effective > this.#overloadShare * rate)) return { kind: 'none', reason: 'overloaded', ahead: index };
    const theta = this.abandonRate(now);
    let mean = 0;
    let variance = 0;
    for (let j = 0; j <= ahead; j++) {
      const stage = 1 / (effective + j * theta);
      mean += stage;
      variance += stage * stage;
    }
    return { kind: 'wait', mean, variance, ahead: index, serviceRate: rate, surge };
  }
}

/** The p-quantile, in seconds, of a predicted wait (a gamma with the prediction's mean and variance). */
export function waitQuantile(prediction: { mean: number; variance: number }, p: number): number {
  const { mean, variance } = prediction;
  if (!(variance > 0)) return mean;
  return gammaQuantile(p, (mean * mean) / variance, variance / mean);
}
