// Readers for the public labelled datasets (../shared/data, see its README for sources and licenses) and for
// Tandem's own JSONL examples, all mapped onto the triage model's classes:
//   the six interaction types, `chitchat` (said inside a support chat, asks for nothing), `offtopic` (a known
//   kind of request that is not support: recipes, travel, trivia) and `unknown` (CLINC150's out-of-scope set:
//   unlike any intent in the data at all).
// Only train and validation splits are read for training; test splits are read by the benchmark alone.

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { InteractionType } from '../../shared/protocol.ts';
import { MODEL_CLASSES } from '../core/triage/triage.ts';

export type ModelClass = (typeof MODEL_CLASSES)[number];

/** Where the datasets are unless `--data` / TANDEM_DATASETS says otherwise: ../shared/data beside the checkout. */
export const DEFAULT_DATA_DIR = resolve(import.meta.dirname, '../../../shared/data');

export interface LabelledText {
  text: string;
  label: ModelClass;
  source: string;
}

function isModelClass(label: string): label is ModelClass {
  return (MODEL_CLASSES as readonly string[]).includes(label);
}

/**
 * Where Tandem's labelling guide (docs/TRIAGE-LABELS.md) departs from the shared mapping: "where is my refund?"
 * is a status question the AI answers (the shared mapping calls it policy_edge, with account_status as the
 * runner-up). Training uses Tandem's labels; the benchmark reports accuracy under both.
 */
export const TANDEM_MAPPING_OVERRIDES: Record<string, InteractionType> = { Refund_not_showing_up: 'account_status' };

/** BANKING77, `train` or `test`, with each of the 77 intents mapped to its interaction type. */
export function banking77(dataDir: string, split: 'train' | 'test', overrides: Record<string, InteractionType> = {}): LabelledText[] {
  const mapping = JSON.parse(readFileSync(join(dataDir, 'banking77-interaction-types.json'), 'utf8')) as {
    mapping: Record<string, { type: InteractionType }>;
  };
  const rows = parse(readFileSync(join(dataDir, 'banking77', `${split}.csv`), 'utf8'), { columns: true }) as {
    text: string;
    category: string;
  }[];
  return rows.map((row) => {
    const type = overrides[row.category] ?? mapping.mapping[row.category]?.type;
    if (!type) throw new Error(`BANKING77 intent ${row.category} has no interaction type in the mapping`);
    return { text: row.text, label: type, source: `banking77:${row.category}` };
  });
}

// CLINC150's two fintech domains, mapped to interaction types as a buy-now-pay-later merchant would see them
// (our judgment, like banking77-interaction-types.json). US retail-banking products Lumen Pay does not have
// (cheques, routing numbers, credit scores, rewards, APR) are novel_product.
const CLINC_FINTECH: Record<string, InteractionType> = {
  freeze_account: 'standard_change',
  routing: 'novel_product',
  pin_change: 'standard_change',
  bill_due: 'account_status',
  pay_bill: 'standard_change',
  account_blocked: 'account_status',
  interest_rate: 'novel_product',
  min_payment: 'account_status',
  bill_balance: 'account_status',
  transfer: 'novel_product',
  order_checks: 'novel_product',
  balance: 'account_status',
  spending_history: 'account_status',
  transactions: 'account_status',
  report_fraud: 'fraud_security',
  replacement_card_duration: 'account_status',
  expiration_date: 'account_status',
  damaged_card: 'standard_change',
  improve_credit_score: 'novel_product',
  report_lost_card: 'fraud_security',
  card_declined: 'account_status',
  credit_limit_change: 'policy_edge',
  apr: 'novel_product',
  redeem_rewards: 'novel_product',
  credit_limit: 'account_status',
  rewards_balance: 'novel_product',
  application_status: 'account_status',
  credit_score: 'novel_product',
  new_card: 'standard_change',
  international_fees: 'policy_edge',
};

// Things people say inside any support chat that ask for nothing: greetings, thanks, yes/no.
const CLINC_CHITCHAT = new Set(['greeting', 'goodbye', 'thank_you', 'are_you_a_bot', 'yes', 'no', 'maybe', 'cancel', 'repeat']);

/** CLINC150 (data_full.json): `train`, `val` or `test`, in-scope intents and the out-of-scope set. */
export function clinc150(dataDir: string, split: 'train' | 'val' | 'test'): LabelledText[] {
  const data = JSON.parse(readFileSync(join(dataDir, 'clinc150', 'data_full.json'), 'utf8')) as Record<string, [string, string][]>;
  const inScope = data[split] ?? [];
  const outOfScope = data[`oos_${split}`] ?? [];
  const mapped = inScope.map(([text, intent]): LabelledText => {
    const label: ModelClass = CLINC_FINTECH[intent] ?? (CLINC_CHITCHAT.has(intent) ? 'chitchat' : 'offtopic');
    return { text, label, source: `clinc150:${intent}` };
  });
  return [...mapped, ...outOfScope.map(([text]): LabelledText => ({ text, label: 'unknown', source: 'clinc150:oos' }))];
}

/** Whether a CLINC150 intent belongs to the banking or credit_cards domain (the in-domain set for novelty). */
export function isClincFintech(source: string): boolean {
  return source.slice('clinc150:'.length) in CLINC_FINTECH;
}

/**
 * A JSONL file of `{ "text": "...", "label": "..." }` lines (or `type` for label): Tandem's own domain
 * examples or a deployer's, e.g. agents' corrected types exported from the console. Lines with a label the
 * model does not know (e.g. `person`) are returned separately, so a caller can use them elsewhere.
 */
export function labelledJsonl(path: string): { examples: LabelledText[]; other: { text: string; label: string }[]; unlabeled: number } {
  let skipped = 0;
  const examples: LabelledText[] = [];
  const other: { text: string; label: string }[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      if (!line.trim()) return;
      let row: { text?: unknown; label?: unknown; type?: unknown };
      try {
        row = JSON.parse(line) as typeof row;
      } catch {
        throw new Error(`${path}:${index + 1}: not valid JSON`);
      }
      // `npx tandem export` writes examples no one has labeled yet with "label": null: they wait for a person.
      if (row.label === null && typeof row.text === 'string') {
        skipped++;
        return;
      }
      const label = row.label ?? row.type;
      if (typeof row.text !== 'string' || typeof label !== 'string') {
        throw new Error(`${path}:${index + 1}: expected {"text": string, "label": string}`);
      }
      if (isModelClass(label)) examples.push({ text: row.text, label, source: path });
      else other.push({ text: row.text, label });
    });
  return { examples, other, unlabeled: skipped };
}
