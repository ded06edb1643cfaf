// Triage with the committed model: the escalation policy's rules, loops across turns, the policy file, the
// fast VADER path against the library's own, and `npx tandem triage` as a real process.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, policyFrom } from '../../server/core/triage/policy.ts';
import { referenceSentimentOf, sentimentOf } from '../../server/core/triage/sentiment.ts';
import { judgeTurns, Triage } from '../../server/core/triage/triage.ts';
import { REPO_ROOT } from '../../server/app.ts';
import { DEFAULT_DATA_DIR } from '../../server/triage/datasets.ts';
import { loadArtifact, loadPolicy } from '../../server/triage/load.ts';

const artifact = loadArtifact();
const triage = new Triage(artifact);
const DATASETS = DEFAULT_DATA_DIR;

describe('the escalation policy', () => {
  it('sends fraud to a person at once, urgent, even when the customer asks for a refund', () => {
    const d = triage.judge('I want a refund for the two purchases on my account that I never made');
    expect(d).toMatchObject({ type: 'fraud_security', route: 'human', priority: 'urgent', outOfScope: false });
    expect(d.reasons.join(' ')).toMatch(/fraud/);
  });

  it('keeps a calm routine question with the AI', () => {
    expect(triage.judge('Where is my refund?')).toMatchObject({ type: 'account_status', route: 'ai', distress: 0 });
    expect(triage.judge('How do I change my email address?')).toMatchObject({ type: 'standard_change', route: 'ai' });
  });

  it('sends the same routine words from a distressed customer to a person, high priority, saying why', () => {
    const d = triage.judge("Where is my refund? I'm overdrawn and can't pay my rent");
    expect(d).toMatchObject({ route: 'human', priority: 'high', distress: 2 });
    expect(d.reasons.join(' ')).toMatch(/money trouble/);
  });

  it('routes disputes to people, at high priority only when the customer is upset', () => {
    expect(triage.judge('I was charged twice for the same order')).toMatchObject({ type: 'billing_dispute', route: 'human', priority: 'normal' });
    expect(triage.judge('You CHARGED ME TWICE for the same order!!! Fix it')).toMatchObject({ type: 'billing_dispute', route: 'human', priority: 'high', distress: 1 });
  });

  it('hands a routine question to a person when the customer asks for one, in several phrasings', () => {
    for (const text of ['can I talk to a real person about my order', 'human please', 'stop the bot, connect me with an agent']) {
      const d = triage.judge(text);
      expect(d.route, text).toBe('human');
      expect(d.reasons, text).toContain('asks for a person');
    }
  });

  it('flags messages outside support as out of scope and keeps them with the AI for a redirect', () => {
    for (const text of ['What will the weather be in Lisbon tomorrow?', 'write me a poem about the sea']) {
      const d = triage.judge(text);
      expect(d.outOfScope, text).toBe(true);
      expect(d.route, text).toBe('ai');
      expect(d.oodScore, text).toBeGreaterThanOrEqual(triage.thresholds.outOfScope);
    }
    expect(triage.judge('hello').outOfScope).toBe(false);
  });

  it('returns every field of the contract in range', () => {
    const d = triage.judge('Can I pay with bitcoin?');
    expect(d.confidence).toBeGreaterThanOrEqual(0);
    expect(d.confidence).toBeLessThanOrEqual(1);
    expect(d.sentiment).toBeGreaterThanOrEqual(-1);
    expect(d.sentiment).toBeLessThanOrEqual(1);
    expect([0, 1, 2]).toContain(d.distress);
    expect(d).toMatchObject({ type: 'novel_product', route: 'human', priority: 'normal' });
  });
});

describe('triage across turns', () => {
  it('escalates when the customer repeats themself', () => {
    const { escalateAtTurn, decisions } = judgeTurns(triage, [
      'When will my refund for the jacket arrive?',
      'ok thanks',
      'When will my refund for the jacket arrive? You said that already.',
    ]);
    expect(escalateAtTurn).toBe(3);
    expect(decisions[2]!.reasons).toContain('customer repeats themself');
  });

  it('escalates when the AI gives the same answer twice, and counts answers without progress', () => {
    const history = [
      { from: 'customer' as const, text: 'Can I move my payment date?' },
      { from: 'ai' as const, text: "I'm not sure I understood.", confident: false },
      { from: 'customer' as const, text: 'the date of my payment' },
      { from: 'ai' as const, text: "I'm not sure I understood.", confident: false },
    ];
    const d = triage.judge('move the date', history);
    expect(d.route).toBe('human');
    expect(d.signals).toMatchObject({ aiRepeats: true, turnsWithoutProgress: 2 });
  });

  it('keeps a calm routine conversation with the AI to the end, and inherits the type on terse turns', () => {
    const { escalateAtTurn, decisions } = judgeTurns(triage, ['When is my next instalment due?', 'ok', 'thanks, bye']);
    expect(escalateAtTurn).toBeNull();
    expect(decisions[1]!.type).toBe('account_status');
  });

  it('escalates a routine conversation that turns into fraud at that turn', () => {
    const { escalateAtTurn, decisions } = judgeTurns(triage, [
      'When is my next instalment due?',
      "Wait, the app shows a plan for a 480 EUR phone. I never bought a phone.",
    ]);
    expect(escalateAtTurn).toBe(2);
    expect(decisions[1]).toMatchObject({ type: 'fraud_security', priority: 'urgent' });
  });
});

describe('the per-type policy', () => {
  it('fills unspecified types and fields from the defaults', () => {
    const policy = policyFrom({ billing_dispute: { ai: 'shadow' } });
    expect(policy.billing_dispute).toEqual({ ...DEFAULT_POLICY.billing_dispute, ai: 'shadow' });
    expect(policy.account_status).toEqual(DEFAULT_POLICY.account_status);
  });

  it('refuses to let the AI handle fraud, and unknown keys, with errors naming the field', () => {
    expect(() => policyFrom({ fraud_security: { ai: 'on' } })).toThrow(/fraud_security.*off/s);
    expect(() => policyFrom({ billing_dispute: { ai: 'maybe' } })).toThrow();
    expect(() => policyFrom({ refunds: { ai: 'on' } })).toThrow();
    const dir = mkdtempSync(join(tmpdir(), 'tandem-policy-'));
    writeFileSync(join(dir, 'p.json'), '{"policy_edge": {"targetSeconds": -5}}');
    expect(() => loadPolicy(join(dir, 'p.json'))).toThrow(/Invalid triage policy .*policy_edge\.targetSeconds/);
    writeFileSync(join(dir, 'bad.json'), '{ nope');
    expect(() => loadPolicy(join(dir, 'bad.json'))).toThrow(/Cannot read the triage policy/);
  });

  it('in shadow mode, sends the type to a person and records what the AI would have done', () => {
    const shadowed = new Triage(artifact, policyFrom({ policy_edge: { ai: 'shadow' }, billing_dispute: { ai: 'shadow' } }));
    const d = shadowed.judge('I was charged twice for the same order');
    expect(d).toMatchObject({ route: 'human', shadow: { route: 'ai', priority: 'normal' } });
    const on = new Triage(artifact, policyFrom({ billing_dispute: { ai: 'on' } }));
    expect(on.judge('I was charged twice for the same order').route).toBe('ai');
  });
});

describe('sentiment', () => {
  it('gives exactly the compound score of the vader-sentiment library through the fast tokenizer', () => {
    const lines = readFileSync(join(DATASETS, 'vader-groundtruth', 'tweets_GroundTruth.txt'), 'utf8').split(/\r?\n/).filter(Boolean);
    for (const line of lines) {
      const text = line.split('\t').slice(2).join('\t');
      expect(sentimentOf(text), text).toBe(referenceSentimentOf(text));
    }
    for (const text of ['Not bad, but the export is really slow.', 'your support is USELESS!!!', 'kind of ok', ':) great', "I don't love it"]) {
      expect(sentimentOf(text), text).toBe(referenceSentimentOf(text));
    }
  });
});

describe('npx tandem triage', () => {
  it('answers one JSON line per input line, with errors in line for bad input', () => {
    const input = [
      '{"id":"a","text":"Someone stole my phone and is using my Lumen account"}',
      'not json',
      '{"text":"Where is my order?"}',
      '{"id":7,"turns":["When is my next payment?","I lost my job and cannot pay it"]}',
      '{"id":"x","text":42}',
    ].join('\n');
    const run = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/tandem.js'), 'triage'], { input, encoding: 'utf8', cwd: REPO_ROOT });
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(5);
    expect(Object.keys(lines[0]!)).toEqual(['id', 'type', 'confidence', 'outOfScope', 'oodScore', 'sentiment', 'distress', 'route', 'priority', 'reasons']);
    expect(lines[0]).toMatchObject({ id: 'a', type: 'fraud_security', route: 'human', priority: 'urgent' });
    expect(lines[1]).toMatchObject({ id: 2, error: { code: 'bad_json' } });
    expect(lines[2]).toMatchObject({ id: 3, type: 'account_status', route: 'ai' });
    expect(lines[3]).toMatchObject({ id: 7, escalateAtTurn: 2 });
    expect(lines[3]!.decisions).toHaveLength(2);
    expect(lines[4]).toMatchObject({ id: 'x', error: { code: 'bad_input' } });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/2 of 5 lines were not valid input/);
    expect(run.stderr).not.toMatch(/ExperimentalWarning/);
  });
});

// Needs the public datasets beside the checkout; outside CI it is skipped without them, under CI=true it runs and fails.
describe.runIf(existsSync(join(DATASETS, 'banking77')) || process.env.CI === 'true')('npx tandem train', () => {
  it('rebuilds a loadable model from the datasets plus a deployer\'s labelled JSONL', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-train-'));
    const extra = join(dir, 'agents.jsonl');
    writeFileSync(extra, '{"text":"my zorblat subscription renewed twice","label":"billing_dispute"}\n{"text":"get me a human","label":"person"}\n');
    const out = join(dir, 'model.json');
    const run = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/tandem.js'), 'train', '--data', DATASETS, '--extra', extra, '--out', out], { encoding: 'utf8', cwd: REPO_ROOT });
    expect(run.stderr).toMatch(/wrote /);
    expect(run.status).toBe(0);
    const rebuilt = new Triage(loadArtifact(out));
    expect(rebuilt.judge('Someone stole my card').type).toBe('fraud_security');
    expect(JSON.stringify(loadArtifact(out).intent.trainedOn)).toContain('agents.jsonl');
  }, 60_000);
});
