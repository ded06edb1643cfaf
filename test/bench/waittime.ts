// `npm run bench:waittime`: every shipped scenario through the simulator (seed 1; tuning used seeds 1001–1005),
// Tandem's promises beside the baselines measured on the same customers in the same run, one table.
// Figures and goals: docs/WAITTIME.md.
import { loadScenario, shippedScenarios } from '../../server/sim/scenario.ts';
import { report, percentile, type ClassFigures } from '../../server/sim/waittime-report.ts';
import { simulate } from '../../server/sim/waittime-sim.ts';

const SEED = Number(process.env.SEED ?? 1);
const ORACLE_EVERY = 10;
const ORACLE_RUNS = 100;
const SPEED_SCENARIO = 'large-day';

const f = (x: number | null | undefined, digits = 2) => (x === null || x === undefined ? '—' : x.toFixed(digits));
const pad = (s: string, n: number) => s.padStart(n);

console.log(`Wait-time promises at a stated ${0.9 * 100}%, seed ${SEED}. Coverage = kept / promised (leaving before the deadline is neither).`);
console.log('cov: Tandem; burst: arrived in a burst or the 30 min after; worst: lowest 2-hour window (≥ 50 promises);');
console.log('P/p90: mean promise ÷ p90 wait of queued customers; P/orc: Σ promise ÷ Σ oracle 90% quantile (re-simulated from arrival);');
console.log('mse: Tandem point error ÷ the better rolling mean, same customers; RM/EWMA/ErlC/QL: the baselines\' coverage.\n');
const header = ['scenario', 'type', 'n', 'cov', 'burst', 'worst', 'P/p90', 'P/orc', 'mse', 'SLA', 'aband', 'no#', 'RM', 'EWMA', 'ErlC', 'QL', 'QL P/orc'];
const widths = [17, 16, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 8];
console.log(header.map((h, i) => (i < 2 ? h.padEnd(widths[i]!) : pad(h, widths[i]!))).join(' '));
const goals: string[] = [];
for (const name of shippedScenarios()) {
  if (name === SPEED_SCENARIO) continue;
  const scenario = loadScenario(name);
  const started = performance.now();
  const run = simulate(scenario, { seed: SEED, oracleEvery: ORACLE_EVERY, oracleRuns: ORACLE_RUNS });
  const r = report(run);
  const seconds = (performance.now() - started) / 1000;
  for (const [type, c] of Object.entries(r.classes) as [string, ClassFigures][]) {
    const b = (m: string) => r.baselines[m]!.classes[type]!;
    const row = [
      name, type, String(c.promised), f(c.coverage, 3), f(c.burstCoverage, 3), f(c.worstWindowCoverage, 3), f(c.promiseToP90), f(c.promiseToOracle),
      f(r.pointMseVsBestRollingMean[type]), f(c.slaAttainment, 3), f(c.abandonment, 3), f(c.declinedShare, 3),
      f(b('rollingMean').coverage, 3), f(b('ewma').coverage, 3), f(b('erlangC').coverage, 3), f(b('queueLength').coverage, 3), f(b('queueLength').promiseToOracle),
    ];
    console.log(row.map((v, i) => (i < 2 ? v.padEnd(widths[i]!) : pad(v, widths[i]!))).join(' '));
    if (c.promised >= 200 && c.coverage !== null && Math.abs(c.coverage - 0.9) > 0.02) goals.push(`${name}/${type}: coverage ${f(c.coverage, 3)} outside 0.88–0.92`);
    if (c.burstPromised >= 200 && c.burstCoverage !== null && c.burstCoverage < 0.88) goals.push(`${name}/${type}: burst coverage ${f(c.burstCoverage, 3)} < 0.88`);
  }
  const fraud = r.classes.fraud_security;
  if (fraud && fraud.slaAttainment !== null && fraud.slaAttainment < 0.9) goals.push(`${name}: fraud_security within 30 s ${f(fraud.slaAttainment, 3)} < 0.90`);
  console.log(`${''.padEnd(17)} (${run.customers.length} customers, ${run.events} events, ${seconds.toFixed(1)} s with the oracle)`);
}

// Speed: a simulated day of 50,000+ chats without the oracle, and the cost of one promise.
const scenario = loadScenario(SPEED_SCENARIO);
simulate(scenario, { seed: SEED }); // warm the JIT
const started = performance.now();
const run = simulate(scenario, { seed: SEED, timePromises: true });
const wall = (performance.now() - started) / 1000;
const measured = run.customers.filter((c) => c.measured).length;
console.log(`\n${SPEED_SCENARIO}: ${run.customers.length} chats simulated (${measured} in the measured day) in ${wall.toFixed(2)} s (goal < 10 s)`);
console.log(`promise computation: p50 ${f(percentile(run.promiseMs, 0.5), 4)} ms, p99 ${f(percentile(run.promiseMs, 0.99), 4)} ms, max ${f(Math.max(...run.promiseMs), 3)} ms over ${run.promiseMs.length} promises (goal < 2 ms)`);
console.log(goals.length ? `\nGoals missed:\n  ${goals.join('\n  ')}` : '\nAll coverage, burst and fraud-SLA goals met.');
