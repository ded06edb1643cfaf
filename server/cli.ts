// `npx tandem <command>`: the command-line surface of ../shared/CONTRACT.md section 1 that is built so far.
//   tandem triage            JSON lines on stdin → one decision per line on stdout (contract section 5)
//   tandem train [options]   rebuild the triage model artifact from the datasets (docs/TRIAGE.md)
//   tandem sim waittime      the queue simulator (contract section 6, docs/WAITTIME.md)

import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { decisionRecord, judgeTurns, type Triage } from './core/triage/triage.ts';
import { DEFAULT_DATA_DIR } from './triage/datasets.ts';
import { loadTriage, MODEL_FILE } from './triage/load.ts';

const USAGE = `Usage: tandem <command>

Commands:
  triage                  read JSON lines ({"id"?, "text"} or {"id"?, "turns": [...]}) on stdin,
                          write one JSON decision per line on stdout
  train [--data DIR] [--extra FILE.jsonl]... [--out FILE]
                          rebuild the triage model (default data: ../shared/data)
  sim waittime --scenario NAME|FILE --seed N [--oracle-every K] [--oracle-runs R]
                          run the queue simulator on a scenario, print one JSON report (docs/WAITTIME.md)
  sim waittime --list     print the shipped scenario names, one a line

Environment: TANDEM_POLICY  path of the per-type policy file (default config/policy.json)`;

const TriageLine = z.union([
  z.strictObject({ id: z.union([z.string(), z.number()]).optional(), text: z.string().max(10_000) }),
  z.strictObject({ id: z.union([z.string(), z.number()]).optional(), turns: z.array(z.string().max(10_000)).min(1).max(200) }),
]);

export function triageLine(triage: Triage, line: string, lineNumber: number): { output: Record<string, unknown>; ok: boolean } {
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
    return { output: { id, error: { code: 'bad_input', message: `expected {"id"?, "text"} or {"id"?, "turns": [...]}: ${message}` } }, ok: false };
  }
  const input = parsed.data;
  const id = input.id ?? lineNumber;
  if ('text' in input) return { output: { id, ...decisionRecord(triage.judge(input.text)) }, ok: true };
  const { decisions, escalateAtTurn } = judgeTurns(triage, input.turns);
  return { output: { id, decisions: decisions.map(decisionRecord), escalateAtTurn }, ok: true };
}

async function triageCommand(): Promise<number> {
  const triage = loadTriage({ policyFile: process.env.TANDEM_POLICY });
  let lineNumber = 0;
  let failures = 0;
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    lineNumber++;
    if (!line.trim()) continue;
    const { output, ok } = triageLine(triage, line, lineNumber);
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
  if (kind !== 'waittime') {
    process.stderr.write(kind === 'quality' ? 'tandem sim quality: not built yet (the quality-signals issue builds it)\n' : `tandem sim: unknown simulator "${kind ?? ''}"; try: tandem sim waittime --list\n`);
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
