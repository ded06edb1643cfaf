// `npm run bench:triage`: the triage figures of issue 3, on TEST splits and on Tandem's own held-out domain
// evaluation set, with the committed artifact. Prints tables; asserts nothing (the unit tests do that).
//   DATA_DIR for the public datasets: TANDEM_DATASETS (default ../shared/data).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INTERACTION_TYPES } from '../../shared/protocol.ts';
import { sentimentOf } from '../../server/core/triage/sentiment.ts';
import { judgeTurns, type Triage } from '../../server/core/triage/triage.ts';
import { banking77, clinc150, DEFAULT_DATA_DIR, isClincFintech, TANDEM_MAPPING_OVERRIDES } from '../../server/triage/datasets.ts';
import { loadTriage } from '../../server/triage/load.ts';

const dataDir = process.env.TANDEM_DATASETS ?? DEFAULT_DATA_DIR;
const fixtures = join(import.meta.dirname, '../fixtures/triage');
const triage = loadTriage();

const f3 = (x: number): string => x.toFixed(3);
function table(title: string, rows: [string, string, string][]): void {
  console.log(`\n${title}`);
  const width = Math.max(...rows.map((r) => r[0].length));
  for (const [name, value, goal] of rows) console.log(`  ${name.padEnd(width)}  ${value.padStart(8)}  ${goal}`);
}

// 1. BANKING77 test, mapped to the six types: the shared mapping, then Tandem's labelling guide
for (const [mappingName, overrides] of [
  ['shared mapping', {}],
  ["Tandem's guide: Refund_not_showing_up is account_status", TANDEM_MAPPING_OVERRIDES],
] as const) {
  const test = banking77(dataDir, 'test', overrides);
  const confusion = new Map<string, number>();
  let correct = 0;
  for (const example of test) {
    const decided = triage.judge(example.text).type;
    if (decided === example.label) correct++;
    confusion.set(`${example.label}>${decided}`, (confusion.get(`${example.label}>${decided}`) ?? 0) + 1);
  }
  const count = (truth: string | null, predicted: string | null): number => {
    let n = 0;
    for (const [key, value] of confusion) {
      const [t, p] = key.split('>');
      if ((truth === null || t === truth) && (predicted === null || p === predicted)) n += value;
    }
    return n;
  };
  const f1s = INTERACTION_TYPES.map((type) => {
    const tp = count(type, type);
    const precision = tp / Math.max(count(null, type), 1);
    const recall = tp / Math.max(count(type, null), 1);
    return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  });
  const fraudTp = count('fraud_security', 'fraud_security');
  table(`BANKING77 test (${test.length} queries) → six types, ${mappingName}`, [
    ['accuracy', f3(correct / test.length), 'goal ≥ 0.93'],
    ['macro-F1', f3(f1s.reduce((a, b) => a + b, 0) / f1s.length), ''],
    ['fraud_security recall', f3(fraudTp / count('fraud_security', null)), 'goal ≥ 0.98'],
    ['fraud_security precision', f3(fraudTp / count(null, 'fraud_security')), 'goal ≥ 0.90'],
    ...INTERACTION_TYPES.map((t, i): [string, string, string] => [`  F1 ${t}`, f3(f1s[i]!), '']),
  ]);
}

// 2. CLINC150 test: novelty
{
  const test = clinc150(dataDir, 'test');
  const scored = test.map((e) => ({ score: triage.judge(e.text).oodScore, source: e.source, oos: e.label === 'unknown' }));
  const auroc = (positives: number[], negatives: number[]): number => {
    const all = [...positives.map((s) => ({ s, p: 1 })), ...negatives.map((s) => ({ s, p: 0 }))].sort((a, b) => a.s - b.s);
    let rankSum = 0;
    for (let i = 0; i < all.length; ) {
      let j = i;
      while (j < all.length && all[j]!.s === all[i]!.s) j++;
      const rank = (i + j + 1) / 2;
      for (let k = i; k < j; k++) if (all[k]!.p) rankSum += rank;
      i = j;
    }
    return (rankSum - (positives.length * (positives.length + 1)) / 2) / (positives.length * negatives.length);
  };
  const fprAt95 = (positives: number[], negatives: number[]): number => {
    const sorted = [...positives].sort((a, b) => a - b);
    const threshold = sorted[Math.floor(sorted.length * 0.05)]!;
    return negatives.filter((s) => s >= threshold).length / negatives.length;
  };
  const fintech = scored.filter((s) => !s.oos && isClincFintech(s.source)).map((s) => s.score);
  const otherDomains = scored.filter((s) => !s.oos && !isClincFintech(s.source)).map((s) => s.score);
  const oos = scored.filter((s) => s.oos).map((s) => s.score);
  const flagged = (scores: number[]): number => scores.filter((s) => s >= triage.thresholds.outOfScope).length / scores.length;
  table(`CLINC150 test (${test.length}): novelty score`, [
    ['AUROC, support (banking+credit cards) vs everything else', f3(auroc([...otherDomains, ...oos], fintech)), 'goal ≥ 0.95 (Tandem: off-topic is out of scope)'],
    ['  FPR at 95% TPR', f3(fprAt95([...otherDomains, ...oos], fintech)), ''],
    ['AUROC, 150 in-scope intents vs out-of-scope (standard)', f3(auroc(oos, [...fintech, ...otherDomains])), 'CLINC150 definition'],
    ['  FPR at 95% TPR', f3(fprAt95(oos, [...fintech, ...otherDomains])), ''],
    ['flagged outOfScope: support turns', f3(flagged(fintech)), `threshold ${triage.thresholds.outOfScope}`],
    ['flagged outOfScope: other domains', f3(flagged(otherDomains)), ''],
    ['flagged outOfScope: out-of-scope set', f3(flagged(oos)), ''],
  ]);
}

// 3. Sentiment: Pearson r with the human mean, VADER's tweets (and the other three sets for context)
{
  const { default: Sentiment } = await import('sentiment');
  const { default: winkNLP } = await import('wink-nlp');
  const { default: model } = await import('wink-eng-lite-web-model');
  const afinn = new Sentiment();
  const nlp = winkNLP(model, ['sentiment']);
  const scorers: [string, (t: string) => number][] = [
    ['vader-sentiment 1.1.3 (chosen)', sentimentOf],
    ['sentiment 5.0.2 (AFINN-165)', (t) => Math.tanh(afinn.analyze(t).comparative)],
    ['wink-nlp 2.4 + eng-lite-web-model', (t) => nlp.readDoc(t).out(nlp.its.sentiment) as number],
  ];
  const pearson = (a: number[], b: number[]): number => {
    const ma = a.reduce((x, y) => x + y, 0) / a.length;
    const mb = b.reduce((x, y) => x + y, 0) / b.length;
    let s = 0;
    let sa = 0;
    let sb = 0;
    for (let i = 0; i < a.length; i++) {
      s += (a[i]! - ma) * (b[i]! - mb);
      sa += (a[i]! - ma) ** 2;
      sb += (b[i]! - mb) ** 2;
    }
    return s / Math.sqrt(sa * sb);
  };
  const sets = ['tweets', 'amazonReviewSnippets', 'movieReviewSnippets', 'nytEditorialSnippets'].map((name) => {
    const rows = readFileSync(join(dataDir, 'vader-groundtruth', `${name}_GroundTruth.txt`), 'utf8')
      .split(/\r?\n/)
      .filter(Boolean)
      .map((line) => line.split('\t'))
      .map(([, mean, ...text]) => ({ mean: Number(mean), text: text.join('\t') }));
    return { name, rows };
  });
  const rows: [string, string, string][] = [];
  for (const [name, score] of scorers) {
    const perSet = sets.map(({ rows: data }) => pearson(data.map((r) => score(r.text)), data.map((r) => r.mean)));
    rows.push([name, f3(perSet[0]!), `tweets (goal ≥ 0.85); reviews ${f3(perSet[1]!)}, movies ${f3(perSet[2]!)}, NYT ${f3(perSet[3]!)}`]);
  }
  table('Sentiment: Pearson r with the human mean (VADER ground truth)', rows);
}

// 4. Tandem's own domain evaluation set (written before tuning, by writers who never saw the training data)
interface EvalLine {
  id: string;
  text: string;
  type: string | null;
  distress: number;
  route: 'ai' | 'human';
  priority: string;
  outOfScope: boolean;
}
const evalLines: EvalLine[] = ['domain-eval-a.jsonl', 'domain-eval-b.jsonl'].flatMap((file) =>
  readFileSync(join(fixtures, file), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as EvalLine),
);
{
  const inScope = evalLines.filter((l) => !l.outOfScope);
  const outOfScope = evalLines.filter((l) => l.outOfScope);
  const decisions = new Map(evalLines.map((l) => [l.id, triage.judge(l.text)]));
  const share = (lines: EvalLine[], ok: (l: EvalLine) => boolean): number => lines.filter(ok).length / Math.max(lines.length, 1);
  const fraud = inScope.filter((l) => l.type === 'fraud_security');
  const conversations = readFileSync(join(fixtures, 'domain-eval-conversations.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { id: string; turns: string[]; escalateAtTurn: number | null });
  const escalations = conversations.map((c) => ({ c, got: judgeTurns(triage, c.turns).escalateAtTurn }));
  table(`Domain evaluation set (${inScope.length} support messages, ${outOfScope.length} out of scope, ${conversations.length} conversations)`, [
    ['type accuracy', f3(share(inScope, (l) => decisions.get(l.id)!.type === l.type)), 'goal ≥ 0.85'],
    ['route accuracy (all lines)', f3(share(evalLines, (l) => decisions.get(l.id)!.route === l.route)), 'goal ≥ 0.90'],
    ['fraud_security to a person', `${fraud.filter((l) => decisions.get(l.id)!.route === 'human').length}/${fraud.length}`, 'goal: all'],
    ['priority accuracy', f3(share(evalLines, (l) => decisions.get(l.id)!.priority === l.priority)), ''],
    ['distress accuracy (0/1/2)', f3(share(inScope, (l) => decisions.get(l.id)!.distress === l.distress)), ''],
    ['out of scope recognised', f3(share(outOfScope, (l) => decisions.get(l.id)!.outOfScope)), ''],
    ['support wrongly called out of scope', f3(share(inScope, (l) => decisions.get(l.id)!.outOfScope)), ''],
    ['conversations: escalation turn exact', f3(escalations.filter((e) => e.got === e.c.escalateAtTurn).length / escalations.length), ''],
    ['conversations: escalated iff expected', f3(escalations.filter((e) => (e.got === null) === (e.c.escalateAtTurn === null)).length / escalations.length), ''],
    ...INTERACTION_TYPES.map((t): [string, string, string] => {
      const lines = inScope.filter((l) => l.type === t);
      return [`  type accuracy ${t}`, f3(share(lines, (l) => decisions.get(l.id)!.type === t)), `n=${lines.length}`];
    }),
  ]);
  if (process.argv.includes('--errors')) {
    for (const l of evalLines) {
      const d = decisions.get(l.id)!;
      if (d.type !== l.type || d.route !== l.route) console.log(`  ${l.id} want ${l.type}/${l.route}/${l.distress} got ${d.type}/${d.route}/${d.distress} ${d.reasons.join('; ')} | ${l.text}`);
    }
    for (const { c, got } of escalations) if (got !== c.escalateAtTurn) console.log(`  ${c.id} want ${c.escalateAtTurn} got ${got}`);
  }
}

// 5. Speed on one core: the domain set's messages, judged again and again (the live path, no I/O)
{
  const texts = evalLines.map((l) => l.text);
  const judgeAll = (t: Triage, rounds: number): number[] => {
    const times: number[] = [];
    for (let r = 0; r < rounds; r++) {
      for (const text of texts) {
        const start = performance.now();
        t.judge(text);
        times.push(performance.now() - start);
      }
    }
    return times;
  };
  judgeAll(triage, 20); // warm up the JIT
  const started = performance.now();
  const times = judgeAll(triage, 60);
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  table(`Speed (${times.length} turns, one core)`, [
    ['turns per second', String(Math.round(times.length / seconds)), 'goal ≥ 20,000'],
    ['p50 ms', times[Math.floor(times.length * 0.5)]!.toFixed(4), ''],
    ['p99 ms', times[Math.floor(times.length * 0.99)]!.toFixed(4), 'goal < 1 ms'],
  ]);
}
