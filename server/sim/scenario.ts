// Scenario files for `tandem sim waittime`: arrivals per type over the day, bursts, agents and their shifts,
// handle times, patience. JSON, validated here with errors that name the field; documented in docs/WAITTIME.md.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { z } from 'zod';
import { INTERACTION_TYPES, type InteractionType } from '../../shared/protocol.ts';

export const SCENARIO_DIR = resolve(import.meta.dirname, 'scenarios');

const minutes = z.number().positive();

const Duration = z.discriminatedUnion('dist', [
  z.strictObject({ dist: z.literal('lognormal'), meanMinutes: minutes, sigma: z.number().positive().max(3) }),
  z.strictObject({ dist: z.literal('exponential'), meanMinutes: minutes }),
  z.strictObject({ dist: z.literal('empirical'), minutes: z.array(z.number().nonnegative()).min(1).max(100_000) }),
]);

const Patience = z.discriminatedUnion('dist', [
  z.strictObject({ dist: z.literal('weibull'), meanMinutes: minutes, shape: z.number().positive().max(10) }),
  z.strictObject({ dist: z.literal('exponential'), meanMinutes: minutes }),
  z.strictObject({ dist: z.literal('none') }),
]);

const TypeSpec = z.strictObject({
  /** share of handoffs of this type; shares are normalised */
  share: z.number().nonnegative(),
  priority: z.enum(['normal', 'high', 'urgent']),
  /** work of one chat, in minutes of an agent's undivided attention */
  handle: Duration,
  /** an optional heavy tail: this share of chats take Pareto(alpha) minutes above minMinutes instead */
  tail: z.strictObject({ share: z.number().min(0).max(1), alpha: z.number().gt(1), minMinutes: minutes }).optional(),
  patience: Patience,
  /** the service-level target: this many seconds at the 90th percentile */
  targetSeconds: z.number().int().positive(),
});

const HourOfDay = z.number().min(0).max(24);

const Burst = z.strictObject({
  /** hour of the day it starts (10.5 = 10:30) */
  atHour: HourOfDay,
  minutes: minutes,
  /** arrivals multiplied by this at the peak */
  factor: z.number().positive().max(100),
  /** linear ramp up and down, minutes (default 10) */
  rampMinutes: z.number().nonnegative().default(10),
  /** only these types burst (default all) */
  types: z.array(z.enum(INTERACTION_TYPES)).min(1).optional(),
  /** simulated days (0 = first) it happens on (default every day) */
  days: z.array(z.number().int().nonnegative()).optional(),
});

const Shift = z.strictObject({ fromHour: HourOfDay, toHour: HourOfDay });

const AgentGroup = z.strictObject({
  name: z.string().min(1).max(60).optional(),
  count: z.number().int().positive().max(5000),
  capacity: z.number().int().min(1).max(20).default(3),
  /** types they take (default every type) */
  skills: z.array(z.enum(INTERACTION_TYPES)).min(1).optional(),
  /** slots each keeps free for urgent chats (default 0) */
  reserveForUrgent: z.number().int().min(0).max(19).default(0),
  /** when they work, every day; absent: around the clock. A shift may wrap midnight (fromHour > toHour). */
  shifts: z.array(Shift).min(1).optional(),
});

const Absence = z.strictObject({
  /** hour of the day the agents log off */
  atHour: HourOfDay,
  minutes: minutes,
  /** share of the agents online at that moment who log off (they finish their chats, take no new ones) */
  share: z.number().min(0).max(1),
  days: z.array(z.number().int().nonnegative()).optional(),
});

export const Scenario = z.strictObject({
  name: z.string().min(1).max(80),
  description: z.string().max(2000).default(''),
  /** simulated days that are measured, after the warm-up */
  days: z.number().positive().max(60),
  warmupHours: z.number().nonnegative().max(72).default(2),
  /** the stated confidence of promises */
  confidence: z.number().gt(0.5).lt(1).default(0.9),
  arrivals: z.strictObject({
    /** handoffs per hour at a multiplier of 1 */
    perHour: z.number().positive().max(100_000),
    /** 24 multipliers, one per hour of the day (default flat) */
    hourly: z.array(z.number().nonnegative()).length(24).optional(),
    /** day-to-day noise nobody forecasts: each day's rate × Gamma(shape)/shape (absent: none) */
    dayFactorShape: z.number().positive().optional(),
    bursts: z.array(Burst).default([]),
  }),
  types: z.partialRecord(z.enum(INTERACTION_TYPES), TypeSpec),
  agents: z.array(AgentGroup).min(1),
  absences: z.array(Absence).default([]),
  /** total work rate of an agent holding 1, 2, 3, … chats (default 1, 1.6, 2.0: multitasking slows each chat) */
  concurrency: z.array(z.number().positive()).min(1).default([1, 1.6, 2.0]),
  /** share of customers who give up that do so silently: they stay in the queue and cost an agent a while */
  silentAbandonShare: z.number().min(0).max(1).default(0),
  /** seconds an agent spends on a chat whose customer has silently left (uniform between the two) */
  silentCloseSeconds: z.tuple([z.number().nonnegative(), z.number().nonnegative()]).default([60, 180]),
});
export type Scenario = z.output<typeof Scenario>;
export type ScenarioType = z.output<typeof TypeSpec>;
export type DurationSpec = z.output<typeof Duration>;
export type PatienceSpec = z.output<typeof Patience>;

/** Names of the shipped scenarios. */
export function shippedScenarios(): string[] {
  return readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => basename(f, '.json'))
    .sort();
}

/** Parse a scenario; throws an Error naming every bad field. */
export function parseScenario(json: unknown, source = 'scenario'): Scenario {
  const parsed = Scenario.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ');
    throw new Error(`${source} is not a valid waittime scenario: ${issues}`);
  }
  const scenario = parsed.data;
  const types = Object.entries(scenario.types).filter(([, spec]) => spec && spec.share > 0);
  if (types.length === 0) throw new Error(`${source} is not a valid waittime scenario: types: give at least one type a share above 0`);
  for (const group of scenario.agents) {
    for (const shift of group.shifts ?? []) {
      if (shift.fromHour === shift.toHour) throw new Error(`${source}: agents${group.name ? ` "${group.name}"` : ''}: a shift cannot start and end at the same hour`);
    }
  }
  return scenario;
}

/** Load a shipped scenario by name, or a file by path. */
export function loadScenario(nameOrPath: string): Scenario {
  const shipped = shippedScenarios().includes(nameOrPath);
  const path = shipped ? resolve(SCENARIO_DIR, `${nameOrPath}.json`) : resolve(nameOrPath);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`no scenario "${nameOrPath}": not a shipped name (${shippedScenarios().join(', ')}) and no such file`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseScenario(json, shipped ? `scenario "${nameOrPath}"` : path);
}

/** The types a scenario sends, with shares normalised to 1. */
export function scenarioTypes(scenario: Scenario): { type: InteractionType; spec: ScenarioType; share: number }[] {
  const entries = INTERACTION_TYPES.flatMap((type) => {
    const spec = scenario.types[type];
    return spec && spec.share > 0 ? [{ type, spec }] : [];
  });
  const total = entries.reduce((sum, e) => sum + e.spec.share, 0);
  return entries.map((e) => ({ ...e, share: e.spec.share / total }));
}
