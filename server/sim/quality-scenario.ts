// Scenario files for `tandem sim quality`: a mix of interaction types, how the AI and people do on each, and
// (optionally) the interaction from which the AI silently gets worse on one type. JSON, validated here with
// errors that name the field; documented in docs/QUALITY-SIM.md. Shipped ones live in scenarios/quality/.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { z } from 'zod';
import { INTERACTION_TYPES, type InteractionType } from '../../shared/protocol.ts';

export const QUALITY_SCENARIO_DIR = resolve(import.meta.dirname, 'scenarios', 'quality');

const probability = z.number().min(0).max(1);
/** a latent satisfaction on the CSAT scale */
const csatPoints = z.number().min(1).max(5);

const TypeSpec = z.strictObject({
  /** share of all chats; shares are normalised */
  share: z.number().nonnegative(),
  /** probability that the AI takes the chat (else a person from the start) */
  aiShare: probability,
  /** probability that an AI chat is escalated to a person after the AI answered */
  escalation: probability,
  /** mean latent satisfaction (CSAT points) by path */
  satisfaction: z.strictObject({ ai: csatPoints, aiThenPerson: csatPoints, person: csatPoints }),
  /** mean sentiment of the first customer turn, −1..1 */
  sentimentStart: z.number().min(-1).max(1),
  /** probability the customer comes back within 7 days (doubled when satisfaction is below 3) */
  recontact: probability,
  /** probability the chat has a turn triage flags as novel */
  novelShare: probability,
  /** mean wait for a person, minutes (exponential) */
  minutesToPerson: z.number().positive().max(600),
});

const Degradation = z.strictObject({
  /** the type the AI gets worse at */
  type: z.enum(INTERACTION_TYPES),
  /** global 1-based index (arrival order) of the first interaction affected */
  fromInteraction: z.number().int().positive(),
  /** probability that an AI-path interaction of the type is affected */
  affectedShare: z.number().gt(0).max(1).default(1),
  /** latent satisfaction lowered by this many CSAT points */
  csatDrop: z.number().min(0).max(4),
  /** added to the customer's last-turn sentiment (so to the sentiment change) */
  sentimentChangeShift: z.number().min(-2).max(2).default(0),
  /** added to the probability of escalation after the AI */
  escalationRise: probability.default(0),
  /** added to the probability of recontact */
  recontactRise: probability.default(0),
  /** every affected chat has a novel turn (a product the AI was never told about) */
  novel: z.boolean().default(false),
});

const AggregateCsat = z.strictObject({
  /** the window the mean rating is taken over, days */
  windowDays: z.number().int().positive().max(60).default(7),
  /** it is evaluated at the end of every this many days */
  evaluateEveryDays: z.number().int().positive().max(60).default(1),
  /** it fires below (mean of the first full window − margin) */
  margin: z.number().nonnegative().max(4).default(0.1),
});

export const QualityScenario = z.strictObject({
  name: z.string().min(1).max(80),
  description: z.string().max(2000).default(''),
  /** the simulated clock starts here (ISO 8601, UTC) */
  start: z.iso.datetime({ offset: true }).default('2026-03-02T00:00:00Z'),
  days: z.number().positive().max(366),
  /** mean chats per day (a Poisson process) */
  chatsPerDay: z.number().positive().max(200_000),
  /** arrivals follow a day/night curve (busy late morning, quiet at night); false: flat */
  dailyCycle: z.boolean().default(true),
  /** probability that a customer rates the chat (×1.5 for a rating of 1 or 2) */
  ratingShare: probability.default(0.09),
  types: z.partialRecord(z.enum(INTERACTION_TYPES), TypeSpec),
  degradation: Degradation.nullable(),
  baselines: z.strictObject({ aggregateCsat: AggregateCsat.prefault({}) }).prefault({}),
});
export type QualityScenario = z.output<typeof QualityScenario>;
export type QualityTypeSpec = z.output<typeof TypeSpec>;
export type DegradationSpec = z.output<typeof Degradation>;

/** At most this many interactions in one run (days × chatsPerDay), so a typo cannot eat the machine. */
const MAX_INTERACTIONS = 20_000_000;

/** Names of the shipped quality scenarios. */
export function shippedQualityScenarios(): string[] {
  return readdirSync(QUALITY_SCENARIO_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => basename(f, '.json'))
    .sort();
}

/** Parse a quality scenario; throws an Error naming every bad field. */
export function parseQualityScenario(json: unknown, source = 'scenario'): QualityScenario {
  const invalid = (issues: string) => new Error(`${source} is not a valid quality scenario: ${issues}`);
  const parsed = QualityScenario.safeParse(json);
  if (!parsed.success) throw invalid(parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; '));
  const scenario = parsed.data;
  if (qualityScenarioTypes(scenario).length === 0) throw invalid('types: give at least one type a share above 0');
  if (scenario.days * scenario.chatsPerDay > MAX_INTERACTIONS) throw invalid(`days × chatsPerDay: at most ${MAX_INTERACTIONS} interactions`);
  const d = scenario.degradation;
  if (d) {
    const spec = scenario.types[d.type];
    if (!spec || spec.share <= 0) throw invalid(`degradation.type: "${d.type}" has no share in types`);
    if (spec.aiShare <= 0) throw invalid(`degradation.type: the AI takes no "${d.type}" chats (aiShare 0), so it cannot get worse at them`);
  }
  const a = scenario.baselines.aggregateCsat;
  if (a.windowDays >= scenario.days) throw invalid(`baselines.aggregateCsat.windowDays: ${a.windowDays} leaves no day to evaluate in a ${scenario.days}-day scenario`);
  return scenario;
}

/** Load a shipped quality scenario by name, or a file by path. */
export function loadQualityScenario(nameOrPath: string): QualityScenario {
  const shipped = shippedQualityScenarios().includes(nameOrPath);
  const path = shipped ? resolve(QUALITY_SCENARIO_DIR, `${nameOrPath}.json`) : resolve(nameOrPath);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`no quality scenario "${nameOrPath}": not a shipped name (${shippedQualityScenarios().join(', ')}) and no such file`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseQualityScenario(json, shipped ? `scenario "${nameOrPath}"` : path);
}

/** The types a scenario sends, in INTERACTION_TYPES order, with shares normalised to 1. */
export function qualityScenarioTypes(scenario: QualityScenario): { type: InteractionType; spec: QualityTypeSpec; share: number }[] {
  const entries = INTERACTION_TYPES.flatMap((type) => {
    const spec = scenario.types[type];
    return spec && spec.share > 0 ? [{ type, spec }] : [];
  });
  const total = entries.reduce((sum, e) => sum + e.spec.share, 0);
  return entries.map((e) => ({ ...e, share: e.spec.share / total }));
}
