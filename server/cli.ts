// `npx tandem <command>`: the command-line surface of ../shared/CONTRACT.md section 1 that is built so far.
//   tandem triage            JSON lines on stdin → one decision per line on stdout (contract section 5)
//   tandem train [options]   rebuild the triage model artifact from the datasets (docs/TRIAGE.md)
//   tandem sim waittime      the queue simulator (contract section 6, docs/WAITTIME.md)
//   tandem sim quality       the quality-alarm simulator (contract section 6, docs/QUALITY-SIM.md)
//   tandem export            the kept training examples as JSONL for train --extra (docs/QUALITY.md)

import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { decisionRecord, judgeTurns, type Triage } from './core/triage/triage.ts';
import { DEFAULT_AI_LANGUAGES, parseAiLanguages, unreadLanguage } from './core/triage/language.ts';
import { LANGUAGE_TAG } from '../shared/protocol.ts';
import { DEFAULT_DATA_DIR } from './triage/datasets.ts';
import { loadTriage, MODEL_FILE } from './triage/load.ts';

const USAGE = `Usage: tandem <command>

Commands:
  triage                  read JSON lines ({"id"?, "text"} or {"id"?, "turns": [...]}, each with an
                          optional "lang": "de") on stdin, write one JSON decision per line on stdout
  train [--data DIR] [--extra FILE.jsonl]... [--out FILE]
                          rebuild the triage model (default data: ../shared/data)
  sim waittime --scenario NAME|FILE --seed N [--oracle-every K] [--oracle-runs R]
                          run the queue simulator on a scenario, print one JSON report (docs/WAITTIME.md)
  sim waittime --list     print the shipped scenario names, one a line
  sim quality --scenario NAME|FILE --seed N
                          run the quality-alarm simulator on a scenario, print one JSON report
                          (docs/QUALITY-SIM.md)
  sim quality --list      print the shipped quality scenario names, one a line
  export [--out FILE] [--since ISO] [--kind KIND]... [--labeled-only]
                          write the kept training examples (escalation, low_rating, novelty,
                          corrected_type) as JSONL for train --extra; reads the store named by
                          DATABASE_URL or DATA_DIR (docs/QUALITY.md)

Environment: TANDEM_POLICY  path of the per-type policy file (default config/policy.json)
             TANDEM_AI_LANGUAGES  the languages triage reads, e.g. "en,de" (default en): a line whose
                          "lang" is another goes to a person untyped (docs/TRIAGE.md)`;

const lang = z.string().max(35).regex(LANGUAGE_TAG, 'lang must be a language tag such as "de"').optional();
const TriageLine = z.union([
  z.strictObject({ id: z.union([z.string(), z.number()]).optional(), text: z.string().max(10_000), lang }),
  z.strictObject({ id: z.union([z.string(), z.number()]).optional(), turns: z.array(z.string().max(10_000)).min(1).max(200), lang }),
]);

/**
 * One input line's output. `aiLanguages`: the languages triage reads (TANDEM_AI_LANGUAGES); a line in another
 * (`lang`) is decided as the server decides it, without reading the words: a person, normal priority, no type.
 */
export function triageLine(
  triage: Triage,
  line: string,
  lineNumber: number,
  aiLanguages: readonly string[] = DEFAULT_AI_LANGUAGES,
): { output: Record<string, unknown>; ok: boolean } {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { output: { id: lineNumber, error: { code: 'bad_json', message: `line ${lineNumber} is not valid JSON` } }, ok: false };
  }
  const parsed = TriageLine.safeParse(json);
  if (!parsed.success) {
    const message = parsed.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; ');
    const given = (json as { id?: unknown } | null)?.id;
    const id = typeof given === 'string' || typeof given === 'number' ? given : lineNumber;
    return { output: { id, error: { code: 'bad_input', message: `expected {"id"?, "text", "lang"?} or {"id"?, "turns": [...], "lang"?}: ${message}` } }, ok: false };
  }
  const input = parsed.data;
  const id = input.id ?? lineNumber;
  const unread = unreadLanguage(aiLanguages, input.lang ?? null);
  if (unread) {
    if ('text' in input) return { output: { id, ...unread.record }, ok: true };
    return { output: { id, decisions: input.turns.map(() => unread.record), escalateAtTurn: 1 }, ok: true };
  }
  if ('text' in input) return { output: { id, ...decisionRecord(triage.judge(input.text)) }, ok: true };
  const { decisions, escalateAtTurn } = judgeTurns(triage, input.turns);
  return { output: { id, decisions: decisions.map(decisionRecord), escalateAtTurn }, ok: true };
}

async function triageCommand(): Promise<number> {
  const triage = loadTriage({ policyFile: process.env.TANDEM_POLICY });
  const aiLanguages = parseAiLanguages(process.env.TANDEM_AI_LANGUAGES);
  let lineNumber = 0;
  let failures = 0;
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    lineNumber++;
    if (!line.trim()) continue;
    const { output, ok } = triageLine(triage, line, lineNumber, aiLanguages);
    if (!ok) failures++;
    if (!process.stdout.write(`${JSON.stringify(output)}\n`)) await new Promise((r) => process.stdout.once('drain', r));
  }
  if (failures > 0) process.stderr.write(`tandem triage: ${failures} of ${lineNumber} lines were not valid input (see their "error")\n`);
  return failures > 0 ? 1 : 0;
}

async function trainCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { data: { type: 'string' }, extra: { type: 'string', multiple: true }, out: { type: 'string' }, seed: { type: 'string' } },
  });
  const { train } = await import('./triage/train.ts');
  const dataDir = resolve(values.data ?? DEFAULT_DATA_DIR);
  const out = resolve(values.out ?? MODEL_FILE);
  const artifact = train({
    dataDir,
    extra: (values.extra ?? []).map((path) => resolve(path)),
    ...(values.seed ? { seed: Number(values.seed) } : {}),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  writeFileSync(out, `${JSON.stringify(artifact)}\n`);
  process.stderr.write(`wrote ${out}\n`);
  return 0;
}

async function simCommand(args: string[]): Promise<number> {
  const [kind, ...rest] = args;
  if (kind === 'quality') return qualitySimCommand(rest);
  if (kind !== 'waittime') {
    process.stderr.write(`tandem sim: unknown simulator "${kind ?? ''}"; try: tandem sim waittime --list, tandem sim quality --list\n`);
    return 1;
  }
  const { values } = parseArgs({
    args: rest,
    options: { scenario: { type: 'string' }, seed: { type: 'string' }, list: { type: 'boolean' }, 'oracle-every': { type: 'string' }, 'oracle-runs': { type: 'string' } },
  });
  const { loadScenario, shippedScenarios } = await import('./sim/scenario.ts');
  if (values.list) {
    process.stdout.write(`${shippedScenarios().join('\n')}\n`);
    return 0;
  }
  if (!values.scenario) throw new Error('--scenario is required (a shipped name or a file path; --list shows the names)');
  const seed = Number(values.seed ?? '1');
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`--seed must be a whole number ≥ 0, not "${values.seed}"`);
  const whole = (name: 'oracle-every' | 'oracle-runs', fallback: number) => {
    const v = Number(values[name] ?? fallback);
    if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} must be a whole number ≥ 0`);
    return v;
  };
  const { simulate } = await import('./sim/waittime-sim.ts');
  const { report } = await import('./sim/waittime-report.ts');
  const run = simulate(loadScenario(values.scenario), { seed, oracleEvery: whole('oracle-every', 0), oracleRuns: whole('oracle-runs', 100) });
  process.stdout.write(`${JSON.stringify(report(run), null, 2)}\n`);
  return 0;
}

async function qualitySimCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { scenario: { type: 'string' }, seed: { type: 'string' }, list: { type: 'boolean' } } });
  const { loadQualityScenario, shippedQualityScenarios } = await import('./sim/quality-scenario.ts');
  if (values.list) {
    process.stdout.write(`${shippedQualityScenarios().join('\n')}\n`);
    return 0;
  }
  if (!values.scenario) throw new Error('--scenario is required (a shipped name or a file path; --list shows the names)');
  const seed = Number(values.seed ?? '1');
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`--seed must be a whole number ≥ 0, not "${values.seed}"`);
  const { simulateQuality } = await import('./sim/quality-sim.ts');
  const { qualityReport } = await import('./sim/quality-report.ts');
  const run = simulateQuality(loadQualityScenario(values.scenario), { seed });
  process.stdout.write(`${JSON.stringify(qualityReport(run), null, 2)}\n`);
  return 0;
}

async function exportCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { out: { type: 'string' }, since: { type: 'string' }, kind: { type: 'string', multiple: true }, 'labeled-only': { type: 'boolean' } },
  });
  const { EXAMPLE_KINDS, exportExamples } = await import('./quality/export.ts');
  const kinds = values.kind ?? [];
  for (const kind of kinds) {
    if (!(EXAMPLE_KINDS as readonly string[]).includes(kind)) throw new Error(`--kind must be one of ${EXAMPLE_KINDS.join(', ')}, not "${kind}"`);
  }
  if (values.since !== undefined && Number.isNaN(Date.parse(values.since))) throw new Error(`--since must be a date or instant (ISO 8601), not "${values.since}"`);
  const { loadConfig } = await import('./config.ts');
  const config = loadConfig();
  const store = config.databaseUrl
    ? await (await import('./store/postgres.ts')).openPostgresStore(config.databaseUrl)
    : (await import('./store/sqlite.ts')).openSqliteStore(config.dataDir);
  try {
    await store.migrate();
    const { createWriteStream } = await import('node:fs');
    const out = values.out ? createWriteStream(resolve(values.out)) : process.stdout;
    const counts = await exportExamples(store, out, {
      ...(values.since ? { since: new Date(values.since).toISOString() } : {}),
      ...(kinds.length ? { kinds: kinds as (typeof EXAMPLE_KINDS)[number][] } : {}),
      labeledOnly: values['labeled-only'] ?? false,
    });
    if (out !== process.stdout) await new Promise<void>((done, fail) => out.end((error?: Error | null) => (error ? fail(error) : done())));
    const kindsText = Object.entries(counts.byKind).map(([k, n]) => `${k} ${n}`).join(', ');
    process.stderr.write(`tandem export: ${counts.written} examples (${kindsText}; ${counts.unlabeled} without a label) from ${store.location}${values.out ? ` to ${resolve(values.out)}` : ''}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'triage':
        return await triageCommand();
      case 'train':
        return await trainCommand(rest);
      case 'sim':
        return await simCommand(rest);
      case 'export':
        return await exportCommand(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? 1 : 0;
      default:
        process.stderr.write(`tandem: unknown command "${command}"\n\n${USAGE}\n`);
        return 1;
    }
  } catch (error) {
    process.stderr.write(`tandem ${command}: ${(error as Error).message}\n`);
    return 1;
  }
}
