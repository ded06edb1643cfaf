// `tandem sim quality`: scenarios are validated with errors naming the field, a seed replays exactly, a
// degradation touches only what it says, and the report carries the fields of ../shared/CONTRACT.md section 6.
import { describe, expect, it } from 'vitest';
import { qualityReport } from '../../server/sim/quality-report.ts';
import { parseQualityScenario, shippedQualityScenarios, loadQualityScenario } from '../../server/sim/quality-scenario.ts';
import { simulateQuality } from '../../server/sim/quality-sim.ts';

const routine = { aiShare: 0.95, escalation: 0.1, satisfaction: { ai: 4.4, aiThenPerson: 3.8, person: 4.2 }, sentimentStart: 0.05, recontact: 0.06, novelShare: 0.01, minutesToPerson: 3 };

/** Two types, a few days: small enough to run in milliseconds. */
function small(extra: Record<string, unknown> = {}) {
  return {
    name: 'small',
    days: 4,
    chatsPerDay: 1500,
    types: {
      account_status: { share: 0.8, ...routine },
      billing_dispute: { share: 0.2, ...routine, satisfaction: { ai: 3.9, aiThenPerson: 3.4, person: 3.8 }, sentimentStart: -0.25 },
    },
    degradation: null,
    baselines: { aggregateCsat: { windowDays: 1 } },
    ...extra,
  };
}

describe('a quality scenario', () => {
  it('is refused with a message naming the bad field', () => {
    const bad = small();
    (bad.types.billing_dispute as { aiShare: number }).aiShare = 1.5;
    expect(() => parseQualityScenario(bad, 'bad.json')).toThrow(/bad\.json is not a valid quality scenario: types\.billing_dispute\.aiShare: .*<=1/);
    expect(() => parseQualityScenario({ ...small(), colour: 'blue' })).toThrow(/colour/);
    expect(() => parseQualityScenario(small({ degradation: { type: 'policy_edge', fromInteraction: 10, csatDrop: 1 } }))).toThrow(/degradation\.type: "policy_edge" has no share/);
    expect(() => parseQualityScenario(small({ degradation: { type: 'billing_dispute', fromInteraction: 0, csatDrop: 1 } }))).toThrow(/degradation\.fromInteraction/);
  });

  it('fills in the documented defaults', () => {
    const s = parseQualityScenario(small({ days: 10, baselines: undefined, degradation: { type: 'billing_dispute', fromInteraction: 10, csatDrop: 1 } }));
    expect(s.start).toBe('2026-03-02T00:00:00Z');
    expect(s.dailyCycle).toBe(true);
    expect(s.ratingShare).toBe(0.09);
    expect(s.baselines.aggregateCsat).toEqual({ windowDays: 7, evaluateEveryDays: 1, margin: 0.1 });
    expect(s.degradation).toMatchObject({ affectedShare: 1, sentimentChangeShift: 0, escalationRise: 0, recontactRise: 0, novel: false });
  });

  it('ships mix-80-20, novel-launch and healthy-month, all valid', () => {
    expect(shippedQualityScenarios()).toEqual(['healthy-month', 'mix-80-20', 'novel-launch']);
    for (const name of shippedQualityScenarios()) expect(loadQualityScenario(name).name).toBe(name);
  });
});

describe('a simulated run', () => {
  it('replays exactly from the same seed, and differs with another', () => {
    const scenario = parseQualityScenario(small({ days: 2 }));
    const a = qualityReport(simulateQuality(scenario, { seed: 5 }));
    expect(qualityReport(simulateQuality(scenario, { seed: 5 }))).toEqual(a);
    expect(qualityReport(simulateQuality(scenario, { seed: 6 })).interactions).not.toBe(a.interactions);
  });

  it('changes, under a degradation, only the degraded type\'s AI chats from the given interaction on', () => {
    const healthy = simulateQuality(parseQualityScenario(small({ days: 2 })), { seed: 3 });
    const degraded = simulateQuality(parseQualityScenario(small({ days: 2, degradation: { type: 'billing_dispute', fromInteraction: 1000, csatDrop: 1, sentimentChangeShift: -0.3, escalationRise: 0.2 } })), { seed: 3 });
    const drawn = (x: (typeof healthy.interactions)[number]) => [x.type, x.arrivedAt, x.closedAt, x.outcome.resolver, x.outcome.csat, x.outcome.sentimentChange, x.recontact];
    let changed = 0;
    for (const [i, x] of healthy.interactions.entries()) {
      const y = degraded.interactions[i]!;
      if (y.affected) changed++;
      else expect(drawn(y)).toEqual(drawn(x));
      if (y.affected) expect(y.index >= 1000 && y.type === 'billing_dispute' && y.outcome.resolver !== 'person').toBe(true);
    }
    expect(changed).toBeGreaterThan(100);
  });

  it('feeds every closed chat to the real pipeline: a prediction for each, recontact once known', () => {
    const run = simulateQuality(parseQualityScenario(small({ days: 2 })), { seed: 2 });
    const observed = run.interactions.filter((x) => x.observed);
    expect(observed.length).toBeGreaterThan(run.interactions.length - 20);
    for (const x of observed) {
      expect(x.outcome.predictedCsat).toBeGreaterThanOrEqual(1);
      expect(x.outcome.predictedCsat).toBeLessThanOrEqual(5);
      expect(x.outcome.recontact).toBe(x.recontactKnownAt < run.horizonMs ? x.recontact : null);
    }
    expect(run.ratingScores.length / observed.length).toBeGreaterThan(0.07);
  });

  it('catches a degraded type with a huge drop within a few dozen of its interactions, sooner than the aggregate monitor', () => {
    const scenario = parseQualityScenario(
      small({ degradation: { type: 'account_status', fromInteraction: 3000, csatDrop: 2.5, sentimentChangeShift: -0.5, escalationRise: 0.4, recontactRise: 0.2 } }),
    );
    const report = qualityReport(simulateQuality(scenario, { seed: 1 }));
    expect(report.truth).toEqual({ degradedType: 'account_status', degradedFromInteraction: 3000 });
    expect(report.detectionDelayInteractions).not.toBeNull();
    expect(report.detectionDelayInteractions!).toBeLessThan(60);
    expect(report.detection.first?.signal).toBe('leading');
    // the simulated operator leaves a true alarm standing: each metric of the degraded type fires once at most
    const trueAlarms = report.alarms.filter((a) => !a.falseAlarm).map((a) => a.metric);
    expect(trueAlarms.length).toBeGreaterThan(0);
    expect(new Set(trueAlarms).size).toBe(trueAlarms.length);
    expect(report.alarms.every((a) => a.falseAlarm === !(a.type === 'account_status' && a.atTime >= report.detection.degradedFrom!))).toBe(true);
    // 80% of the chats lose 2.5 points: the daily aggregate monitor sees it too, a day or so later
    expect(report.baselines.aggregateCsat.detectionDelayInteractions!).toBeGreaterThan(report.detectionDelayInteractions!);
  });

  it('reports no truth and no delay for a healthy scenario', () => {
    const report = qualityReport(simulateQuality(parseQualityScenario(small({ days: 2 })), { seed: 4 }));
    expect(report.truth).toEqual({ degradedType: null, degradedFromInteraction: null });
    expect(report.detectionDelayInteractions).toBeNull();
    expect(report.baselines.aggregateCsat.detectionDelayInteractions).toBeNull();
    expect(report.falseAlarms).toBe(report.alarms.length);
  });
});

describe('the report', () => {
  it('has the fields of the contract', () => {
    const scenario = parseQualityScenario(small({ degradation: { type: 'account_status', fromInteraction: 3000, csatDrop: 2.5, sentimentChangeShift: -0.5 } }));
    const report = JSON.parse(JSON.stringify(qualityReport(simulateQuality(scenario, { seed: 1 })))) as Record<string, unknown>;
    expect(report).toMatchObject({
      scenario: 'small',
      seed: 1,
      simulatedDays: 4,
      interactions: expect.any(Number),
      truth: { degradedType: 'account_status', degradedFromInteraction: 3000 },
      detectionDelayInteractions: expect.any(Number),
      falseAlarms: expect.any(Number),
      baselines: { aggregateCsat: { detectionDelayInteractions: expect.any(Number), falseAlarms: expect.any(Number) } },
    });
    const alarms = report.alarms as { type: string; metric: string; atInteraction: number; atTime: string }[];
    expect(alarms.length).toBeGreaterThan(0);
    for (const a of alarms) {
      expect(a).toMatchObject({ type: expect.any(String), metric: expect.any(String), atInteraction: expect.any(Number), atTime: expect.stringMatching(/^2026-03-0\dT.*Z$/) });
      expect(a.atInteraction).toBeGreaterThanOrEqual(1);
      expect(a.atInteraction).toBeLessThanOrEqual(report.interactions as number);
    }
  });
});
