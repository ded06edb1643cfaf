// Loads the committed triage artifact and the per-type policy file: the I/O around the pure triage core.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { policyFrom, type TriagePolicy } from '../core/triage/policy.ts';
import { Triage, type TriageArtifact } from '../core/triage/triage.ts';

export const MODEL_FILE = resolve(import.meta.dirname, 'models/triage-model.json');
export const DEFAULT_POLICY_FILE = resolve(import.meta.dirname, '../../config/policy.json');

/** Reads and validates a policy file; errors name the file and the field. */
export function loadPolicy(path: string = DEFAULT_POLICY_FILE): TriagePolicy {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read the triage policy ${path}: ${(error as Error).message}`);
  }
  try {
    return policyFrom(raw);
  } catch (error) {
    if (error instanceof z.ZodError) {
      const issues = error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ');
      throw new Error(`Invalid triage policy ${path}: ${issues}`);
    }
    throw error;
  }
}

export function loadArtifact(path: string = MODEL_FILE): TriageArtifact {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as TriageArtifact;
  } catch (error) {
    throw new Error(`Cannot read the triage model ${path} (rebuild it with \`npx tandem train\`): ${(error as Error).message}`);
  }
}

export function loadTriage(options: { policyFile?: string | undefined; modelFile?: string } = {}): Triage {
  return new Triage(loadArtifact(options.modelFile), loadPolicy(options.policyFile));
}
