import { describe, expect, it } from 'vitest';
import type { AgentSlots, WaitingChat } from '../../server/core/routing.ts';
import { PromiseCalibrator } from '../../server/core/waittime/calibration.ts';
import { PROMISE_GRID, roundUpToGrid } from '../../server/core/waittime/promise-grid.ts';
import { promiseWords } from '../../shared/promise-words.ts';
import { QueueModel } from '../../server/core/waittime/queue-model.ts';
import { WaitPromises } from '../../server/core/waittime/wait-promises.ts';
import { parseScenario } from '../../server/sim/scenario.ts';
import { report } from '../../server/sim/waittime-report.ts';
import { simulate } from '../../server/sim/waittime-sim.ts';
import { loadScenario } from '../../server/sim/scenario.ts';

const full = (id: string, n = 3): AgentSlots => ({ id, status: 'online', capacity: n, skills: null, holding: Array<'account_status'>(n).fill('account_status'), idleSince: 0 });
const chat = (id: string, queuedAt = 0): WaitingChat => ({ id, type: 'account_status', priority: 'normal', queuedAt });

describe('the promise grid', () => {
  it('rounds up, never down, and says the number as a person would', () => {
    expect(roundUpToGrid(61)).toBe(75);
    expect(roundUpToGrid(120)).toBe(120);
    expect(roundUpToGrid(1801)).toBeNull();
    expect(PROMISE_GRID.every((v, i) => i === 0 || v > PROMISE_GRID[i - 1]!)).toBe(true);
    expect([45, 60, 75, 150, 600].map(promiseWords)).toEqual(['45 seconds', '1 minute', '75 seconds', '2½ minutes', '10 minutes']);
  });
});

describe('the queue model', () => {
  it('predicts a longer wait further back, with fewer agents, and when more urgent chats keep arriving', () => {
    const model = new QueueModel({ holdPriorSeconds: 600 });
    const agents = [full('a'), full('b')];
    const at = (index: number, team = agents) => model.predict(0, chat('c'), index, team);
    const first = at(0);
    const fifth = at(4);
    expect(first.kind === 'wait' && fifth.kind === 'wait' && fifth.mean > first.mean).toBe(true);
    const fewer = at(4, [full('a')]);
    expect(fewer.kind === 'wait' && fifth.kind === 'wait' && fewer.mean > fifth.mean).toBe(true);
    // Six slots each freeing every 600 s: 0.01 per second; the head of the queue waits 100 s on average.
    expect(first.kind === 'wait' && Math.round(first.mean)).toBe(100);
    // Urgent chats jump ahead: three in the last ten minutes slow the queue; a flood makes any number dishonest.
    for (const t of [300_000, 400_000, 500_000]) model.arrived(t, { priority: 'urgent' });
    const crowded = model.predict(600_000, chat('c'), 0, agents);
    expect(crowded.kind === 'wait' && crowded.mean > 100).toBe(true);
    for (let t = 0; t < 60; t++) model.arrived(600_000 + t * 1000, { priority: 'urgent' });
    expect(model.predict(660_000, chat('c'), 0, agents)).toMatchObject({ kind: 'none', reason: 'overloaded' });
  });

  it('gives no number when nobody with the skill is online', () => {
    const model = new QueueModel();
    expect(model.predict(0, chat('c'), 0, [{ ...full('a'), status: 'away' }])).toMatchObject({ kind: 'none', reason: 'no_agents' });
    expect(model.predict(0, { ...chat('c'), type: 'fraud_security' }, 0, [{ ...full('a'), skills: ['account_status'] }])).toMatchObject({ kind: 'none', reason: 'no_agents' });
  });
});

describe('the calibrator', () => {
  it('moves the correction so that the share kept approaches the stated confidence', () => {
    const calibrator = new PromiseCalibrator({ confidence: 0.9 });
    // The model is 2× too optimistic: scores ln(2); after enough of them the correction is about ln 2.
    for (let i = 0; i < 100; i++) calibrator.score('account_status', Math.log(2) + (i % 10) * 0.01);
    expect(calibrator.offset('account_status')).toBeGreaterThan(Math.log(2));
    const before = calibrator.offset('account_status');
    for (let i = 0; i < 20; i++) calibrator.update('account_status', true);
    expect(calibrator.snapshot().account_status!.alpha).toBeLessThan(0.1);
    expect(calibrator.offset('account_status')).toBeGreaterThanOrEqual(before);
  });
});

describe('wait-time promises', () => {
  it('keeps a standing promise, counts it kept when served in time and broken when the deadline passes', () => {
    const outcomes: string[] = [];
    const promises = new WaitPromises({ onOutcome: (_p, o) => outcomes.push(o) });
    const agents = [full('a')];
    const first = promises.current(0, chat('x'), 0, agents);
    expect(first.kind).toBe('promise');
    if (first.kind !== 'promise') return;
    expect(PROMISE_GRID).toContain(first.seconds);
    const again = promises.current(5_000, chat('x'), 0, agents);
    expect(again).toMatchObject({ kind: 'promise', deadline: first.deadline });
    promises.served(10_000, chat('x'), null);
    expect(outcomes).toEqual(['kept']);

    promises.current(0, chat('y'), 0, agents);
    const late = promises.promiseOf('y')!.deadline + 1;
    const after = promises.current(late, chat('y'), 0, agents);
    expect(outcomes).toEqual(['kept', 'broken']);
    expect(after).toMatchObject({ change: 'late' });
  });

  it('resolves the promise of a customer who left from the first successor served', () => {
    const outcomes: string[] = [];
    const promises = new WaitPromises({ onOutcome: (_p, o) => outcomes.push(o) });
    promises.current(0, chat('gone', 0), 0, [full('a')]);
    promises.abandoned(1_000, chat('gone', 0));
    expect(outcomes).toEqual([]);
    promises.served(2_000, chat('behind', 500), null);
    expect(outcomes).toEqual(['kept']);
  });
});

describe('the simulator', () => {
  it('is deterministic for a seed and different across seeds', () => {
    const scenario = { ...loadScenario('steady'), days: 0.25 };
    const a = JSON.stringify(report(simulate(scenario, { seed: 7 })));
    expect(JSON.stringify(report(simulate(scenario, { seed: 7 })))).toBe(a);
    expect(JSON.stringify(report(simulate(scenario, { seed: 8 })))).not.toBe(a);
  });

  it('reports the contract fields for every type and every baseline', () => {
    const r = report(simulate({ ...loadScenario('understaffed'), days: 0.5 }, { seed: 3 }));
    const fields = ['arrivals', 'served', 'abandoned', 'promised', 'kept', 'coverage', 'target', 'meanPromiseSeconds', 'meanWaitSeconds', 'p90WaitSeconds', 'slaTargetSeconds', 'slaAttainment'];
    for (const classes of [r.classes, ...Object.values(r.baselines).map((b) => b.classes)]) {
      expect(Object.keys(classes).sort()).toEqual(['account_status', 'billing_dispute', 'fraud_security', 'novel_product', 'policy_edge', 'standard_change']);
      for (const c of Object.values(classes)) for (const f of fields) expect(c).toHaveProperty(f);
    }
    expect(Object.keys(r.baselines).sort()).toEqual(['erlangC', 'ewma', 'queueLength', 'rollingMean']);
    const ac = r.classes.account_status!;
    expect(ac.kept).toBeLessThanOrEqual(ac.promised);
    expect(ac.coverage).toBeCloseTo(ac.kept / ac.promised, 3);
  });

  it('refuses a bad scenario with errors that name the fields', () => {
    expect(() => parseScenario({ name: 'x', days: 1, arrivals: { perHour: -1 }, types: {}, agents: [] })).toThrow(/arrivals\.perHour.*agents/);
    expect(() => parseScenario({ name: 'x', days: 1, arrivals: { perHour: 5 }, types: {}, agents: [{ count: 1 }] })).toThrow(/at least one type/);
  });
});
