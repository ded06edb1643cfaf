// `npm run bench:quality`: every shipped quality scenario on seeds 1–10 (SEEDS=a-b to change) through the real
// quality pipeline, Tandem's per-type alarms beside the naive monitor measured in the same runs (the aggregate
// CSAT over a weekly window below its first week − 0.1), one table and the goals. The alarm thresholds are tuned
// on seeds 1001+, never on 1–10: `npm run bench:quality -- --tuning` runs seeds 1001–1020 of healthy-month and
// mix-80-20 (TUNING='{"gaussianThreshold":30}' tries other thresholds). Figures: docs/QUALITY-SIM.md.
import { INTERACTION_TYPES, type InteractionType } from '../../shared/protocol.ts';
import { DEFAULT_TUNING, type AlarmTuning } from '../../server/core/quality/alarms.ts';
import { qualityReport, type QualitySimReport } from '../../server/sim/quality-report.ts';
import { loadQualityScenario, shippedQualityScenarios } from '../../server/sim/quality-scenario.ts';
import { simulateQuality } from '../../server/sim/quality-sim.ts';

const TUNING_MODE = process.argv.includes('--tuning');
const GOAL_DELAY = 300;
const GOAL_RATIO = 10;
const GOAL_FALSE_PER_MONTH = 1;

function seedRange(text: string | undefined, fallback: [number, number]): number[] {
  const [from, to] = text ? text.split('-').map(Number) : fallback;
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to ?? from) || (to ?? from!) < from!) throw new Error(`SEEDS must look like 1-10, not "${text}"`);
  return Array.from({ length: (to ?? from!) - from! + 1 }, (_, i) => from! + i);
}

const seeds = seedRange(process.env.SEEDS, TUNING_MODE ? [1001, 1020] : [1, 10]);
const tuning: Partial<AlarmTuning> = TUNING_MODE && process.env.TUNING ? (JSON.parse(process.env.TUNING) as Partial<AlarmTuning>) : {};
const scenarioNames = TUNING_MODE ? ['healthy-month', 'mix-80-20'] : shippedQualityScenarios();

const f = (x: number | null | undefined, digits = 1) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits));
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** A delay that may never have happened: then it is only known to exceed the degraded interactions to the end. */
interface Delay {
  value: number;
  never: boolean;
}
/** The median of delays where "never" sorts after every real delay; "> x" when a never is part of it. */
function medianDelay(delays: readonly Delay[]): { value: number; censored: boolean } {
  const s = [...delays].sort((a, b) => Number(a.never) - Number(b.never) || a.value - b.value);
  const m = s.length >> 1;
  const mid = s.length % 2 ? [s[m]!] : [s[m - 1]!, s[m]!];
  return { value: mid.reduce((a, d) => a + d.value, 0) / mid.length, censored: mid.some((d) => d.never) };
}
const showDelay = (d: { value: number; censored: boolean }) => (d.censored ? `never (>${d.value.toFixed(0)})` : d.value.toFixed(0));

interface ScenarioResult {
  name: string;
  reports: QualitySimReport[];
  seconds: number;
}

const results: ScenarioResult[] = [];
let simulated = 0;
let simSeconds = 0;
for (const name of scenarioNames) {
  const scenario = loadQualityScenario(name);
  const reports: QualitySimReport[] = [];
  const started = performance.now();
  for (const seed of seeds) {
    const t0 = performance.now();
    const run = simulateQuality(scenario, { seed, tuning });
    simSeconds += (performance.now() - t0) / 1000;
    simulated += run.interactions.length;
    reports.push(qualityReport(run));
  }
  results.push({ name, reports, seconds: (performance.now() - started) / 1000 });
}

const n = seeds.length;
const seedText = n > 1 ? `${seeds[0]}–${seeds[n - 1]}` : String(seeds[0]);
console.log(`Quality alarms${TUNING_MODE ? ' (TUNING run)' : ''}, seeds ${seedText}${TUNING_MODE ? '' : ' (thresholds tuned on seeds 1001+)'}${Object.keys(tuning).length ? `, tuning ${JSON.stringify(tuning)}` : ''}.`);
const inForce = { ...DEFAULT_TUNING, ...tuning };
console.log(`Alarm tuning in force: Gaussian CUSUM h ${inForce.gaussianThreshold}, k ${inForce.gaussianK}; Bernoulli CUSUM h ${inForce.bernoulliThreshold}, relative risk ${inForce.relativeRisk}, min shift ${inForce.minShift}; baseline ${inForce.minBaseline} + guard ${inForce.guard} chats (${inForce.ratingMinBaseline} + ${inForce.ratingGuard} ratings), memory ${inForce.memory}.`);
console.log('The simulated operator acknowledges a false alarm at once (its test runs on) and leaves a true one standing.');
console.log('delay: interactions of the degraded type (every path) from the degradation to the last arrival before the first alarm on it;');
console.log(`hours: from the degradation to that alarm; aggregate: the naive monitor (mean of all ratings over 7 days < first week − 0.1, daily);`);
console.log('ratio: aggregate ÷ Tandem medians; "never (>N)": it never fired after the degradation, N = degraded interactions to the end.\n');

const header = ['scenario', 'caught', 'delay p50', 'max', `≤${GOAL_DELAY}`, 'hours p50', 'aggregate p50', 'ratio', 'aggr FA', 'first to fire'];
const widths = [14, 7, 10, 6, 6, 10, 20, 8, 8, 0];
const row = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : i === cells.length - 1 ? `  ${c}` : c.padStart(widths[i]!))).join(' ');
console.log(row(header));

const goals: { text: string; met: boolean }[] = [];
for (const { name, reports } of results) {
  const degraded = reports[0]!.truth.degradedType;
  const aggrFalse = reports.map((r) => r.baselines.aggregateCsat.falseAlarms);
  const aggrFa = `${f(aggrFalse.reduce((a, b) => a + b, 0) / n, 1)}/${Math.max(...aggrFalse)}`;
  if (!degraded) {
    console.log(row([name, '—', '—', '—', '—', '—', '—', '—', aggrFa, '(healthy: false alarms only)']));
    continue;
  }
  const tandem: Delay[] = reports.map((r) => ({ value: r.detectionDelayInteractions ?? r.detection.degradedTypeInteractionsAfterDegradation, never: r.detectionDelayInteractions === null }));
  const aggregate: Delay[] = reports.map((r) => ({ value: r.baselines.aggregateCsat.detectionDelayInteractions ?? r.detection.degradedTypeInteractionsAfterDegradation, never: r.baselines.aggregateCsat.detectionDelayInteractions === null }));
  const caught = tandem.filter((d) => !d.never);
  const within = caught.filter((d) => d.value <= GOAL_DELAY).length;
  const tMedian = medianDelay(tandem);
  const aMedian = medianDelay(aggregate);
  const ratio = tMedian.censored ? null : aMedian.value / tMedian.value;
  const hours = reports.flatMap((r) => (r.detection.hours === null ? [] : [r.detection.hours]));
  const firstCounts = new Map<string, number>();
  for (const r of reports) if (r.detection.first) firstCounts.set(r.detection.first.metric, (firstCounts.get(r.detection.first.metric) ?? 0) + 1);
  const first = [...firstCounts].sort((a, b) => b[1] - a[1]).map(([m, c]) => `${m} ${c}`).join(', ');
  console.log(row([
    name, `${caught.length}/${n}`, showDelay(tMedian), caught.length ? String(Math.max(...caught.map((d) => d.value))) : '—', `${within}/${n}`,
    hours.length ? f(median(hours), 1) : '—', showDelay(aMedian), ratio === null ? '—' : `${aMedian.censored ? '>' : ''}${f(ratio, 1)}×`, aggrFa, `${degraded}: ${first || 'none'}`,
  ]));
  goals.push({ text: `${name}: ${degraded} caught within ${GOAL_DELAY} of its interactions on every seed (${within}/${n}; median ${showDelay(tMedian)})`, met: within === n });
  goals.push({ text: `${name}: at least ${GOAL_RATIO}× sooner than the aggregate monitor (medians: ${ratio === null ? 'not caught' : `${aMedian.censored ? '>' : ''}${f(ratio, 1)}×`})`, met: ratio !== null && ratio >= GOAL_RATIO });
}

// False alarms per type per 30 days of that type being healthy: pooled mean over seeds, and the worst seed.
console.log('\nFalse alarms per type per 30 simulated days (mean/max over seeds; a degraded type counts only before its degradation):');
const typeWidth = 16;
console.log(`${'scenario'.padEnd(14)} ${INTERACTION_TYPES.map((t) => t.padStart(typeWidth)).join(' ')}   by metric (all types, all seeds)`);
const pooled = new Map<InteractionType, { alarms: number; days: number; max: number }>(INTERACTION_TYPES.map((t) => [t, { alarms: 0, days: 0, max: 0 }]));
for (const { name, reports } of results) {
  const cells = INTERACTION_TYPES.map((type) => {
    let alarms = 0;
    let days = 0;
    let max = 0;
    for (const r of reports) {
      alarms += r.types[type].falseAlarms;
      days += r.types[type].healthyDays;
      max = Math.max(max, r.falseAlarmsPerTypePerMonth[type] ?? 0);
    }
    const p = pooled.get(type)!;
    p.alarms += alarms;
    p.days += days;
    p.max = Math.max(p.max, max);
    return `${f(days ? (alarms * 30) / days : null, 2)}/${f(max, 2)}`.padStart(typeWidth);
  });
  const byMetric = new Map<string, number>();
  for (const r of reports) for (const a of r.alarms) if (a.falseAlarm) byMetric.set(a.metric, (byMetric.get(a.metric) ?? 0) + 1);
  console.log(`${name.padEnd(14)} ${cells.join(' ')}   ${[...byMetric].map(([m, c]) => `${m} ${c}`).join(', ') || 'none'}`);
}
const byType = [...pooled].map(([type, p]) => ({ type, rate: p.days ? (p.alarms * 30) / p.days : 0, max: p.max }));
console.log(`${'all'.padEnd(14)} ${byType.map((w) => `${f(w.rate, 2)}/${f(w.max, 2)}`.padStart(typeWidth)).join(' ')}`);
const worst = [...byType].sort((a, b) => b.rate - a.rate)[0]!;
const over = byType.filter((w) => w.rate >= GOAL_FALSE_PER_MONTH);
goals.push({
  text:
    `fewer than ${GOAL_FALSE_PER_MONTH} false alarm per type per simulated month, pooled over every scenario's healthy days ` +
    `(worst: ${worst.type} ${f(worst.rate, 2)}${over.length ? `; at or above: ${over.map((w) => w.type).join(', ')}` : ''})`,
  met: over.length === 0,
});

// Predicted satisfaction on the last 10 days of mix-80-20, against "the mean of every earlier rating".
const mix = results.find((x) => x.name === 'mix-80-20');
if (mix) {
  let ratings = 0;
  let predicted = 0;
  let earlier = 0;
  for (const r of mix.reports) {
    const p = r.predictedSatisfaction;
    if (!p.ratings || p.meanAbsoluteError === null || p.earlierMeanAbsoluteError === null) continue;
    ratings += p.ratings;
    predicted += p.meanAbsoluteError * p.ratings;
    earlier += p.earlierMeanAbsoluteError * p.ratings;
  }
  console.log(`\nPredicted satisfaction, last ${mix.reports[0]!.predictedSatisfaction.lastDays} days of mix-80-20 (${ratings} ratings over ${n} seeds): mean absolute error ${f(predicted / ratings, 3)} against ${f(earlier / ratings, 3)} for "the mean of every earlier rating".`);
}
console.log(`Speed: ${simulated} interactions simulated in ${simSeconds.toFixed(1)} s: ${Math.round(simulated / simSeconds).toLocaleString('en-US')} interactions per second (simulation only, one core).`);

if (TUNING_MODE) {
  // The first week is when the baselines are young and the satisfaction model still moves from its prior.
  const week = new Map<string, { early: number; later: number }>();
  for (const { name, reports } of results) {
    const start = Date.parse(loadQualityScenario(name).start);
    for (const r of reports) {
      for (const a of r.alarms) {
        if (!a.falseAlarm) continue;
        const w = week.get(a.metric) ?? { early: 0, later: 0 };
        if (Date.parse(a.atTime) - start < 7 * 86_400_000) w.early++;
        else w.later++;
        week.set(a.metric, w);
      }
    }
  }
  console.log(`\nFalse alarms by metric, in the first 7 days / after: ${[...week].map(([m, w]) => `${m} ${w.early}/${w.later}`).join(', ') || 'none'}`);
  console.log('\nPer seed: delay and the metric that fired first (degraded scenarios), the aggregate monitor\'s delay, false alarms by type:');
  for (const { name, reports } of results) {
    for (const r of reports) {
      const fa = INTERACTION_TYPES.filter((t) => r.types[t].falseAlarms > 0).map((t) => `${t} ${r.types[t].falseAlarms} (${r.alarms.filter((a) => a.type === t && a.falseAlarm).map((a) => a.metric).join(', ')})`);
      console.log(`  ${name} seed ${r.seed}: delay ${r.detectionDelayInteractions ?? '—'} ${r.detection.first?.metric ?? ''}; aggregate ${r.baselines.aggregateCsat.detectionDelayInteractions ?? '—'}; false alarms ${fa.join('; ') || 'none'}`);
    }
  }
} else {
  console.log('\nGoals:');
  for (const g of goals) console.log(`  ${g.met ? 'met   ' : 'MISSED'}  ${g.text}`);
}
