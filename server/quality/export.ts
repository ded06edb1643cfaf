// `npx tandem export`: the kept training examples (escalations, low ratings, novel turns, corrected types) as
// JSONL, one example a line, in the format `npx tandem train --extra FILE` reads: {"text", "label", ...};
// rows whose label is null wait for a person to label them and training skips them (docs/QUALITY.md).
import type { Writable } from 'node:stream';
import type { ExampleKind, TrainingExample } from '../core/quality/training-examples.ts';
import { QualityRecords } from '../store/quality-records.ts';
import type { Store } from '../store/store.ts';

export const EXAMPLE_KINDS: readonly ExampleKind[] = ['escalation', 'low_rating', 'novelty', 'corrected_type'];

export interface ExportOptions {
  /** only examples kept at or after this instant (ISO 8601) */
  since?: string;
  /** only these kinds (default every kind) */
  kinds?: readonly ExampleKind[];
  /** leave out examples no one has labeled yet */
  labeledOnly?: boolean;
}

export interface ExportCounts {
  written: number;
  unlabeled: number;
  byKind: Record<ExampleKind, number>;
}

/** Write the examples to `out`; resolves with what was written. */
export async function exportExamples(store: Store, out: Writable, options: ExportOptions = {}): Promise<ExportCounts> {
  const records = new QualityRecords(store.db);
  const kinds = new Set(options.kinds ?? EXAMPLE_KINDS);
  const counts: ExportCounts = { written: 0, unlabeled: 0, byKind: { escalation: 0, low_rating: 0, novelty: 0, corrected_type: 0 } };
  for await (const example of records.examples(options.since)) {
    if (!kinds.has(example.kind)) continue;
    if (example.label === null && options.labeledOnly) continue;
    if (!out.write(`${JSON.stringify(line(example))}\n`)) await new Promise((resolve) => out.once('drain', resolve));
    counts.written++;
    counts.byKind[example.kind]++;
    if (example.label === null) counts.unlabeled++;
  }
  return counts;
}

/** text and label first, so the file reads well; the rest says where the example came from. */
function line(e: TrainingExample): Record<string, unknown> {
  const { text, label, kind, labelSource, predictedType, oodScore, conversationId, messageId, at, id, ...rest } = e;
  return { text, label, kind, labelSource, predictedType, oodScore, conversationId, messageId, at, id, ...rest };
}
