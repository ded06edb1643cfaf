// `npm run bench:quality-arl`: how the alarms' sequential tests behave on synthetic streams of one busy
// type's monthly volume (18,000 AI-handled conversations): false alarms on a healthy stream, and how fast a
// shift is caught. This is what DEFAULT_TUNING's thresholds were set on (never on the simulator's seeds).
import { DEFAULT_TUNING as T } from '../../server/core/quality/alarms.ts';
import { BernoulliCusum, GaussianCusum } from '../../server/core/quality/sequential.ts';
import { standardNormal, stream } from '../../server/sim/random.ts';

const N = 18_000;
const RUNS = Number(process.env.RUNS ?? 40);
const SHIFT_AT = 3_000;
const base = { minBaseline: T.minBaseline, guard: T.guard, memory: T.memory };
const gaussian = () => new GaussianCusum({ ...base, threshold: T.gaussianThreshold, k: T.gaussianK, worse: 'down' });
const bernoulli = () => new BernoulliCusum({ ...base, threshold: T.bernoulliThreshold, relativeRisk: T.relativeRisk, minShift: T.minShift, worse: 'up' });

console.log(`${RUNS} runs each; healthy streams of ${N}; shifts start after ${SHIFT_AT} observations.`);
console.log(`Gaussian CUSUM k ${T.gaussianK}, h ${T.gaussianThreshold}; Bernoulli CUSUM p1 = max(${T.relativeRisk}·p0, p0 + ${T.minShift}), h ${T.bernoulliThreshold}\n`);
console.log('stream                      false alarms / 18,000   caught   mean delay');
for (const shift of [0.2, 0.3, 0.5]) {
  let fired = 0;
  let caught = 0;
  let delay = 0;
  for (let run = 0; run < RUNS; run++) {
    const r = stream(run, `gaussian ${shift}`);
    const healthy = gaussian();
    for (let i = 0; i < N; i++) if (healthy.observe(standardNormal(r))?.fired) fired++;
    const degraded = gaussian();
    for (let i = 0; i < SHIFT_AT + 5_000; i++) {
      if (degraded.observe(standardNormal(r) - (i >= SHIFT_AT ? shift : 0))?.fired && i >= SHIFT_AT) {
        caught++;
        delay += i - SHIFT_AT + 1;
        break;
      }
    }
  }
  console.log(`normal, shift −${shift} sd`.padEnd(28) + (fired / RUNS).toFixed(3).padStart(21) + `${caught}/${RUNS}`.padStart(9) + (caught ? (delay / caught).toFixed(0) : '—').padStart(13));
}
for (const p of [0.02, 0.08, 0.15, 0.3]) {
  let fired = 0;
  let caught = 0;
  let delay = 0;
  for (let run = 0; run < RUNS; run++) {
    const r = stream(run, `bernoulli ${p}`);
    const healthy = bernoulli();
    for (let i = 0; i < N; i++) if (healthy.observe(r.next() < p ? 1 : 0)?.fired) fired++;
    const degraded = bernoulli();
    for (let i = 0; i < SHIFT_AT + 8_000; i++) {
      const q = i >= SHIFT_AT ? p * 1.3 : p;
      if (degraded.observe(r.next() < q ? 1 : 0)?.fired && i >= SHIFT_AT) {
        caught++;
        delay += i - SHIFT_AT + 1;
        break;
      }
    }
  }
  console.log(`rate ${p}, ×1.3`.padEnd(28) + (fired / RUNS).toFixed(3).padStart(21) + `${caught}/${RUNS}`.padStart(9) + (caught ? (delay / caught).toFixed(0) : '—').padStart(13));
}
