// Triage: every customer turn, judged with the conversation before it, becomes signals (type and confidence,
// novelty, sentiment and its trend, distress, a request for a person, loops) and a decision (who takes it
// now, how urgently, and why, in short reasons an agent reads). Pure: the models are data passed in, there
// is no I/O and no clock. The live server and `npx tandem triage` both call `Triage.judge`.

import { INTERACTION_TYPES, type InteractionType, type Priority } from '../../../shared/protocol.ts';
import { FeatureBuffer, normalize } from './features.ts';
import { LinearModel, type LinearArtifact } from './linear-model.ts';
import { distressOf, type Distress } from './markers.ts';
import { asksForPerson } from './person-request.ts';
import { higherPriority } from '../queue.ts';
import { DEFAULT_POLICY, type AiMode, type TriagePolicy, type TypePolicy } from './policy.ts';
import { sentimentOf } from './sentiment.ts';
import { turnFeatures } from './turn-features.ts';

export const MODEL_CLASSES = [...INTERACTION_TYPES, 'chitchat', 'offtopic', 'unknown'] as const;
const CHITCHAT = MODEL_CLASSES.indexOf('chitchat');
const OFFTOPIC = MODEL_CLASSES.indexOf('offtopic');
const UNKNOWN = MODEL_CLASSES.indexOf('unknown');
const FRAUD = INTERACTION_TYPES.indexOf('fraud_security');

export interface TriageArtifact {
  format: 'tandem-triage/1';
  intent: LinearArtifact;
  person: LinearArtifact;
  thresholds: { fraud: number; outOfScope: number; person: number };
}

/** One earlier turn of the conversation, as triage sees it. */
export interface Turn {
  from: 'customer' | 'ai' | 'agent' | 'system';
  text: string;
  /** for AI turns: false when the AI said it did not know */
  confident?: boolean;
}

export type Route = 'ai' | 'human';

export interface Signals {
  /** the six type probabilities, calibrated */
  types: Record<InteractionType, number>;
  personRequest: boolean;
  /** sentiment of this turn minus the mean of the customer's earlier turns (0 on the first turn) */
  sentimentTrend: number;
  customerRepeats: boolean;
  aiRepeats: boolean;
  turnsWithoutProgress: number;
  chitchat: boolean;
}

export interface Decision {
  type: InteractionType;
  confidence: number;
  outOfScope: boolean;
  oodScore: number;
  sentiment: number;
  distress: Distress;
  route: Route;
  priority: Priority;
  reasons: string[];
  signals: Signals;
  /** when the type's AI mode is `shadow`: what the AI would have decided had it been on */
  shadow?: { route: Route; priority: Priority };
}

/** A decision as the conversation log keeps it and `npx tandem triage` prints it: the contract's fields, in the
 *  contract's order, and `shadow` when the type's AI mode is shadow. The per-turn signals stay in memory. */
export type TriageRecord = Omit<Decision, 'signals' | 'type'> & {
  /** null when triage did not read the turn (`language`) */
  type: InteractionType | null;
  /** the turn answered the assistant's own question ("yes", an order number): it does not retype the conversation */
  answersAssistant?: true;
  /**
   * Set when triage did not read the turn: the customer's language (their widget's), which the AI does not serve
   * (language.ts). The decision is then the language's, not the models': a person, normal priority, no type.
   */
  language?: string;
};

export function decisionRecord(decision: Decision): TriageRecord & { type: InteractionType } {
  const { type, confidence, outOfScope, oodScore, sentiment, distress, route, priority, reasons, shadow } = decision;
  return { type, confidence, outOfScope, oodScore, sentiment, distress, route, priority, reasons, ...(shadow ? { shadow } : {}) };
}

/**
 * Novelty in three tiers: support turns ≈ 0; known kinds of request that are not support (CLINC150's other
 * domains: recipes, travel, trivia) ≈ 0.75; turns unlike anything in the data (CLINC150's out-of-scope) ≈ 1.
 */
export function oodScoreOf(probabilities: Float64Array): number {
  return Math.min(1, probabilities[UNKNOWN]! + 0.75 * probabilities[OFFTOPIC]!);
}

const round = (x: number, digits = 3): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** Customer turns at or above this token overlap with an earlier one count as the customer repeating. */
export const REPEAT_OVERLAP = 0.6;
/** AI replies without progress (unsure, or the same words again) before a person takes over. */
const MAX_TURNS_WITHOUT_PROGRESS = 2;
/** Below this confidence a novel_product guess is treated as "unclear" rather than "a product we lack". */
const NOVEL_PRODUCT_MIN_CONFIDENCE = 0.6;

/** The words (longer than two letters) of a normalized turn. */
export function tokenSet(normalized: string): Set<string> {
  return new Set(normalized.split(' ').filter((w) => w.length > 2));
}

/** Share of the smaller set's words found in the other set. */
export function overlap(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const word of a) if (b.has(word)) shared++;
  return shared / Math.min(a.size, b.size);
}

export class Triage {
  readonly #intent: LinearModel;
  readonly #person: LinearModel;
  readonly thresholds: TriageArtifact['thresholds'];
  #policy: TriagePolicy;
  readonly #buffer = new FeatureBuffer();
  readonly #probabilities = new Float64Array(MODEL_CLASSES.length);
  readonly #personProbabilities = new Float64Array(2);

  constructor(artifact: TriageArtifact, policy: TriagePolicy = DEFAULT_POLICY) {
    if (artifact.format !== 'tandem-triage/1') throw new Error(`unknown triage artifact format ${String(artifact.format)}`);
    this.#intent = LinearModel.fromArtifact(artifact.intent);
    this.#person = LinearModel.fromArtifact(artifact.person);
    if (this.#intent.classes.join() !== MODEL_CLASSES.join()) throw new Error('triage artifact classes do not match this code');
    this.thresholds = artifact.thresholds;
    this.#policy = policy;
  }

  /** The per-type policy in force. */
  get policy(): TriagePolicy {
    return this.#policy;
  }

  /** Change one type's AI mode at run time (an alarm's automatic reaction, or a lead in the console). */
  setMode(type: InteractionType, ai: AiMode): void {
    if (type === 'fraud_security' && ai !== 'off') throw new RangeError('fraud_security always goes to a person at once; its AI stays off');
    this.#policy = { ...this.#policy, [type]: { ...this.#policy[type], ai } };
  }

  /** Change one type's priority and wait target at run time (an admin in the console); fraud stays urgent. */
  setTargets(type: InteractionType, targets: Pick<TypePolicy, 'priority' | 'targetSeconds'>): void {
    if (type === 'fraud_security' && targets.priority !== 'urgent') throw new RangeError('fraud_security always goes to a person at once; its priority stays urgent');
    this.#policy = { ...this.#policy, [type]: { ...this.#policy[type], priority: targets.priority, targetSeconds: targets.targetSeconds } };
  }

  /** Judges `text`, the customer's newest turn, after the `history` of the conversation before it. */
  judge(text: string, history: readonly Turn[] = []): Decision {
    const { markers, features, normalized } = turnFeatures(text, this.#buffer);
    const p = this.#intent.probabilities(features, this.#probabilities);
    const personP = this.#person.probabilities(features, this.#personProbabilities)[1]!;
    const sentiment = round(sentimentOf(text));
    const { distress, reasons: distressReasons } = distressOf(markers, sentiment);

    // Type probabilities among the six types. A turn that says little on its own ("yes", "order 4411",
    // "still nothing") inherits the type of the customer's earlier turns.
    const types = new Float64Array(6);
    let typeMass = 0;
    for (let c = 0; c < 6; c++) typeMass += p[c]!;
    for (let c = 0; c < 6; c++) types[c] = typeMass > 0 ? p[c]! / typeMass : 1 / 6;
    const earlierCustomer = history.filter((t) => t.from === 'customer');
    const chitchat = p[CHITCHAT]! >= 0.4;
    if ((chitchat || maxOf(types) < 0.5) && earlierCustomer.length > 0) {
      const context = this.#contextTypes(earlierCustomer);
      const own = chitchat ? 0.2 : 0.5;
      for (let c = 0; c < 6; c++) types[c] = own * types[c]! + (1 - own) * context[c]!;
    }

    let typeIndex = 0;
    for (let c = 1; c < 6; c++) if (types[c]! > types[typeIndex]!) typeIndex = c;
    const reasons: string[] = [];
    // A missed fraud case costs far more than a false alarm: fraud wins from a low threshold.
    // (The threshold is on the raw probability, so small talk with no support content never reads as fraud.)
    if (typeIndex !== FRAUD && p[FRAUD]! >= this.thresholds.fraud) {
      typeIndex = FRAUD;
      reasons.push(`possible fraud (${round(types[FRAUD]!, 2)})`);
    }
    const type = INTERACTION_TYPES[typeIndex]!;
    const confidence = round(types[typeIndex]!);

    const oodScore = round(oodScoreOf(p));
    const personRequest = personP >= this.thresholds.person || asksForPerson(text);

    // Loops: the customer saying the same thing again, the AI saying the same thing again, or the AI
    // answering without progress (it did not know) turn after turn.
    const words = tokenSet(normalized);
    const customerRepeats = words.size >= 3 && earlierCustomer.some((t) => overlap(words, tokenSet(normalize(t.text))) >= REPEAT_OVERLAP);
    const aiTurns = history.filter((t) => t.from === 'ai');
    const lastTwo = aiTurns.slice(-2);
    const aiRepeats = lastTwo.length === 2 && normalize(lastTwo[0]!.text) === normalize(lastTwo[1]!.text);
    let turnsWithoutProgress = 0;
    for (let i = aiTurns.length - 1; i >= 0 && aiTurns[i]!.confident === false; i--) turnsWithoutProgress++;

    const earlierSentiments = earlierCustomer.map((t) => sentimentOf(t.text));
    const sentimentTrend = earlierSentiments.length === 0 ? 0 : round(sentiment - earlierSentiments.reduce((a, b) => a + b, 0) / earlierSentiments.length);

    const highRisk = typeIndex === FRAUD || markers.fraudCue;
    const outOfScope = oodScore >= this.thresholds.outOfScope && !personRequest && distress === 0 && !highRisk && !chitchat;

    const signals: Signals = {
      types: Object.fromEntries(INTERACTION_TYPES.map((t, i) => [t, round(types[i]!)])) as Record<InteractionType, number>,
      personRequest,
      sentimentTrend,
      customerRepeats,
      aiRepeats,
      turnsWithoutProgress,
      chitchat,
    };
    const base = { type, confidence, outOfScope, oodScore, sentiment, distress, signals };

    if (outOfScope) {
      return { ...base, route: 'ai', priority: 'normal', reasons: [`out of scope (novelty ${oodScore.toFixed(2)})`] };
    }
    reasons.unshift(`${type} (${confidence.toFixed(2)})`);
    if (distress > 0) reasons.push(`${distress === 2 ? 'distressed' : 'frustrated'}: ${distressReasons.join(', ')}`);
    if (sentimentTrend <= -0.4) reasons.push(`sentiment falling (${sentimentTrend.toFixed(2)})`);

    // Why a person should take over, whatever the type's policy.
    const escalations: string[] = [];
    if (personRequest) escalations.push('asks for a person');
    if (distress === 2) escalations.push('customer in distress');
    if (customerRepeats) escalations.push('customer repeats themself');
    if (aiRepeats) escalations.push('AI repeats itself');
    if (turnsWithoutProgress >= MAX_TURNS_WITHOUT_PROGRESS) escalations.push(`${turnsWithoutProgress} AI answers without progress`);
    if (distress === 1 && earlierCustomer.length > 0) escalations.push('still frustrated after the AI answered');
    // Unsure between a routine type and a risky one: a person is the safe default.
    const runnerUp = secondBest(types, typeIndex);
    const policy = this.policy[type];
    const runnerUpType = INTERACTION_TYPES[runnerUp]!;
    const riskyRunnerUp = runnerUpType === 'billing_dispute' || runnerUpType === 'policy_edge' || runnerUpType === 'fraud_security';
    if (policy.ai === 'on' && typeMass >= 0.5 && confidence < 0.5 && riskyRunnerUp && this.policy[runnerUpType].ai !== 'on' && types[runnerUp]! >= 0.25) {
      escalations.push(`unsure: ${type} or ${INTERACTION_TYPES[runnerUp]} (${round(types[runnerUp]!, 2)})`);
    }

    const upset = distress > 0;
    const humanPriority = (): Priority => {
      let priority = policy.priority;
      if (distress === 2 || (upset && (type === 'billing_dispute' || type === 'policy_edge'))) priority = higherPriority(priority, 'high');
      return priority;
    };
    // What the decision would be if the AI may handle this type.
    const aiDecision = escalations.length > 0 ? { route: 'human' as Route, priority: humanPriority() } : { route: 'ai' as Route, priority: 'normal' as Priority };

    // Small talk ("hi", "thanks", "ok") asks for nothing: the AI answers it, whatever type it leans to.
    if (chitchat && !markers.fraudCue && p[FRAUD]! < this.thresholds.fraud && escalations.length === 0) {
      return { ...base, route: 'ai', priority: 'normal', reasons: ['small talk'] };
    }
    if (type === 'fraud_security') {
      return { ...base, route: 'human', priority: 'urgent', reasons: [...reasons, 'fraud and security go to a person at once', ...escalations] };
    }
    if (policy.ai === 'on') return { ...base, ...aiDecision, reasons: [...reasons, ...escalations] };
    // "Something we don't know" is also what a vague or garbled turn looks like. Unless the model is fairly
    // sure it is a product question, the AI tries first; its own "I don't know" escalates soon enough.
    if (type === 'novel_product' && confidence < NOVEL_PRODUCT_MIN_CONFIDENCE && escalations.length === 0) {
      return { ...base, route: 'ai', priority: 'normal', reasons: [...reasons, `unsure it is about a product we lack; the AI tries first`] };
    }
    const why = type === 'novel_product' ? 'asks about something the AI does not know' : `policy: ${type} goes to a person`;
    const decision: Decision = { ...base, route: 'human', priority: humanPriority(), reasons: [...reasons, why, ...escalations] };
    if (policy.ai === 'shadow') decision.shadow = aiDecision;
    return decision;
  }

  /** The type probabilities of the customer's earlier turns, the latest weighing most. */
  #contextTypes(earlier: readonly Turn[]): Float64Array {
    const context = new Float64Array(6);
    const buffer = new FeatureBuffer();
    const probabilities = new Float64Array(MODEL_CLASSES.length);
    let weight = 1;
    let total = 0;
    for (let i = earlier.length - 1; i >= 0 && i >= earlier.length - 3; i--) {
      this.#intent.probabilities(turnFeatures(earlier[i]!.text, buffer).features, probabilities);
      let mass = 0;
      for (let c = 0; c < 6; c++) mass += probabilities[c]!;
      for (let c = 0; c < 6; c++) context[c]! += (weight * probabilities[c]!) / (mass || 1);
      total += weight;
      weight /= 2;
    }
    for (let c = 0; c < 6; c++) context[c] = context[c]! / total;
    return context;
  }
}

function maxOf(values: Float64Array): number {
  let max = 0;
  for (const v of values) max = Math.max(max, v);
  return max;
}

function secondBest(values: Float64Array, best: number): number {
  let second = best === 0 ? 1 : 0;
  for (let c = 0; c < values.length; c++) if (c !== best && values[c]! > values[second]!) second = c;
  return second;
}

/**
 * The turn (1-based) at which a conversation of customer turns goes to a person, or null: what
 * `npx tandem triage` reports for `{ turns: [...] }`. Only customer turns are known here.
 */
export function judgeTurns(triage: Triage, turns: readonly string[]): { decisions: Decision[]; escalateAtTurn: number | null } {
  const decisions: Decision[] = [];
  const history: Turn[] = [];
  let escalateAtTurn: number | null = null;
  turns.forEach((text, index) => {
    const decision = triage.judge(text, history);
    decisions.push(decision);
    if (decision.route === 'human' && escalateAtTurn === null) escalateAtTurn = index + 1;
    history.push({ from: 'customer', text });
  });
  return { decisions, escalateAtTurn };
}
