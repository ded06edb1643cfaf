// `npx tandem train`: rebuilds the committed triage artifact (server/triage/models/triage-model.json) from
// the train splits of the public datasets, Tandem's own domain examples and, optionally, a deployer's JSONL
// (e.g. agents' corrected types). Test splits are never read here. A seeded 10% of every source is held out
// to fit the temperature (calibration) and the decision thresholds; the shipped model is the one fitted on
// the other 90%, so every threshold was chosen on data the weights never saw.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { InteractionType } from '../../shared/protocol.ts';
import { FeatureBuffer } from '../core/triage/features.ts';
import type { LinearModel } from '../core/triage/linear-model.ts';
import { turnFeatures } from '../core/triage/turn-features.ts';
import { MODEL_CLASSES, oodScoreOf, type TriageArtifact } from '../core/triage/triage.ts';
import { banking77, clinc150, labelledJsonl, TANDEM_MAPPING_OVERRIDES, type LabelledText } from './datasets.ts';
import { DEFAULT_TRAIN_OPTIONS, fitTemperature, seededRandom, trainSoftmax, type TrainingExample } from './softmax-trainer.ts';

/** Tandem's own domain examples: every server/triage/data/*.jsonl (each file from a different writer). */
export const DOMAIN_DIR = join(import.meta.dirname, 'data');

// Bitext's synthetic e-commerce support set widens the vocabulary of orders, deliveries and refunds.
// Mapped by us; intents with no clear type (reviews, newsletters, placing orders) are left out.
const BITEXT: Record<string, InteractionType | 'person'> = {
  track_order: 'account_status',
  track_refund: 'account_status',
  check_invoice: 'account_status',
  get_invoice: 'account_status',
  delivery_period: 'account_status',
  payment_issue: 'account_status',
  registration_problems: 'account_status',
  get_refund: 'standard_change',
  cancel_order: 'standard_change',
  change_order: 'standard_change',
  change_shipping_address: 'standard_change',
  set_up_shipping_address: 'standard_change',
  edit_account: 'standard_change',
  recover_password: 'standard_change',
  switch_account: 'standard_change',
  delete_account: 'standard_change',
  create_account: 'standard_change',
  check_payment_methods: 'policy_edge',
  check_refund_policy: 'policy_edge',
  check_cancellation_fee: 'policy_edge',
  contact_human_agent: 'person',
  contact_customer_service: 'person',
};

function bitext(dataDir: string): { types: LabelledText[]; person: string[]; notPerson: string[] } {
  const rows = parse(readFileSync(join(dataDir, 'bitext-customer-support', 'train.csv'), 'utf8'), { columns: true }) as {
    utterance: string;
    intent: string;
  }[];
  const types: LabelledText[] = [];
  const person: string[] = [];
  const notPerson: string[] = [];
  for (const row of rows) {
    const label = BITEXT[row.intent];
    if (label === 'person') person.push(row.utterance);
    else {
      notPerson.push(row.utterance);
      if (label) types.push({ text: row.utterance, label, source: `bitext:${row.intent}` });
    }
  }
  return { types, person, notPerson };
}

export interface TrainInput {
  dataDir: string;
  /** extra labelled JSONL files (a deployer's own examples); weighed like the domain examples */
  extra: string[];
  seed?: number;
  log?: (line: string) => void;
}


export function train(input: TrainInput): TriageArtifact {
  const log = input.log ?? (() => {});
  const seed = input.seed ?? DEFAULT_TRAIN_OPTIONS.seed;
  if (!existsSync(join(input.dataDir, 'banking77'))) {
    throw new Error(`No datasets in ${input.dataDir}: pass --data DIR with banking77/, clinc150/ and bitext-customer-support/ (see README)`);
  }
  const domainFiles = readdirSync(DOMAIN_DIR).filter((f) => f.endsWith('.jsonl')).sort();
  const domainParts = domainFiles.map((f) => labelledJsonl(join(DOMAIN_DIR, f)));
  const domain = { examples: domainParts.flatMap((p) => p.examples), other: domainParts.flatMap((p) => p.other) };
  const extras = input.extra.map((path) => labelledJsonl(path));
  const bit = bitext(input.dataDir);
  const bankingTrain = banking77(input.dataDir, 'train', TANDEM_MAPPING_OVERRIDES);
  const clincTrain = [...clinc150(input.dataDir, 'train'), ...clinc150(input.dataDir, 'val')];
  const sources: { name: string; examples: LabelledText[]; weight: number }[] = [
    { name: 'banking77 train', examples: bankingTrain, weight: 1 },
    { name: 'clinc150 train+val', examples: clincTrain, weight: 1 },
    { name: 'bitext train', examples: bit.types, weight: 0.5 },
    { name: `tandem domain (${domainFiles.join(', ')})`, examples: domain.examples, weight: 3 },
    ...extras.map((extra, i) => ({ name: input.extra[i]!, examples: extra.examples, weight: 3 })),
  ];
  extras.forEach((extra, i) => {
    if (extra.unlabeled) log(`${input.extra[i]}: ${extra.unlabeled} rows without a label skipped (label them to use them)`);
  });
  // CLINC150's off-topic intents outnumber everything else; weigh them down so they don't drown the types.
  const classWeight: Record<string, number> = { offtopic: 0.4 };

  const buffer = new FeatureBuffer();
  const featuresOf = (text: string): Int32Array => {
    turnFeatures(text, buffer);
    return buffer.ids.slice(0, buffer.count);
  };
  const random = seededRandom(seed);
  const fit: TrainingExample[] = [];
  const heldOut: TrainingExample[] = [];
  for (const source of sources) {
    for (const example of source.examples) {
      const prepared = {
        features: featuresOf(example.text),
        label: MODEL_CLASSES.indexOf(example.label),
        weight: source.weight * (classWeight[example.label] ?? 1),
      };
      (random() < 0.1 ? heldOut : fit).push(prepared);
    }
    log(`${source.name}: ${source.examples.length} examples`);
  }

  const started = performance.now();
  const intent = trainSoftmax(MODEL_CLASSES, fit, DEFAULT_TRAIN_OPTIONS);
  intent.temperature = fitTemperature(intent, heldOut);
  log(`intent model: ${fit.length} examples, ${((performance.now() - started) / 1000).toFixed(1)} s, temperature ${intent.temperature.toFixed(3)}`);

  // The "asks for a person" model: a second, binary head over the same features.
  const personTexts = [...domain.other.filter((o) => o.label === 'person').map((o) => o.text), ...bit.person];
  for (const extra of extras) personTexts.push(...extra.other.filter((o) => o.label === 'person').map((o) => o.text));
  const notPersonTexts = [
    ...bit.notPerson,
    ...domain.examples.map((e) => e.text),
    ...bankingTrain.map((e) => e.text),
    ...clincTrain.map((e) => e.text),
  ];
  const personFit: TrainingExample[] = [];
  const personHeldOut: TrainingExample[] = [];
  const balance = notPersonTexts.length / Math.max(personTexts.length, 1);
  for (const [texts, label, weight] of [
    [personTexts, 1, Math.min(balance, 20)],
    [notPersonTexts, 0, 1],
  ] as const) {
    for (const text of texts) (random() < 0.1 ? personHeldOut : personFit).push({ features: featuresOf(text), label, weight });
  }
  const person = trainSoftmax(['no', 'yes'], personFit, { ...DEFAULT_TRAIN_OPTIONS, epochs: 8 });
  person.temperature = fitTemperature(person, personHeldOut);
  log(`person model: ${personTexts.length} requests, ${notPersonTexts.length} other turns`);

  const thresholds = chooseThresholds(intent, heldOut, person, personHeldOut, log);
  return {
    format: 'tandem-triage/1',
    intent: intent.toArtifact({ sources: sources.map((s) => ({ name: s.name, examples: s.examples.length, weight: s.weight })), seed }),
    person: person.toArtifact({ requests: personTexts.length, others: notPersonTexts.length, seed }),
    thresholds,
  };
}

/**
 * Decision thresholds, chosen on the held-out 10%:
 * - fraud: the highest P(fraud_security) threshold that still catches 98% of held-out fraud, floored at 0.05
 *   (a missed fraud case costs far more than an agent reading a false alarm);
 * - outOfScope: the novelty score above which a turn is out of scope, at 95% of held-out in-domain turns kept;
 * - person: P(asks for a person) where the held-out miss rate equals ten times the false-alarm rate (a false
 *   alarm sends a chat to a person nobody asked for, ten times as many turns are not requests), from 0.5 up.
 */
function chooseThresholds(
  intent: LinearModel,
  heldOut: TrainingExample[],
  person: LinearModel,
  personHeldOut: TrainingExample[],
  log: (line: string) => void,
): TriageArtifact['thresholds'] {
  const k = MODEL_CLASSES.length;
  const fraudIndex = MODEL_CLASSES.indexOf('fraud_security');
  const probabilities = new Float64Array(k);
  const fraudScores: number[] = [];
  const inDomainOod: number[] = [];
  for (const example of heldOut) {
    intent.probabilities({ ids: example.features, count: example.features.length }, probabilities);
    if (example.label === fraudIndex) fraudScores.push(probabilities[fraudIndex]!);
    if (example.label < 6) inDomainOod.push(oodScoreOf(probabilities));
  }
  fraudScores.sort((a, b) => a - b);
  const fraud = Math.min(0.5, Math.max(0.05, fraudScores[Math.floor(fraudScores.length * 0.02)] ?? 0.5));
  inDomainOod.sort((a, b) => a - b);
  const outOfScope = Math.max(0.5, inDomainOod[Math.floor(inDomainOod.length * 0.95)] ?? 0.5);
  const yes = new Float64Array(2);
  const personScores = personHeldOut.map((e) => ({
    p: person.probabilities({ ids: e.features, count: e.features.length }, yes)[1]!,
    label: e.label,
  }));
  const positives = personScores.filter((s) => s.label === 1);
  const negatives = personScores.filter((s) => s.label === 0);
  let best = { threshold: 0.5, gap: Infinity };
  for (let t = 0.5; t < 0.99; t += 0.01) {
    const missRate = positives.filter((s) => s.p < t).length / Math.max(positives.length, 1);
    const falseRate = negatives.filter((s) => s.p >= t).length / Math.max(negatives.length, 1);
    const gap = Math.abs(missRate - falseRate * 10);
    if (gap < best.gap) best = { threshold: Number(t.toFixed(2)), gap };
  }
  log(`thresholds: fraud ${fraud.toFixed(3)}, outOfScope ${outOfScope.toFixed(3)}, person ${best.threshold}`);
  return { fraud: Number(fraud.toFixed(4)), outOfScope: Number(outOfScope.toFixed(4)), person: best.threshold };
}
