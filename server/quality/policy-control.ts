// The per-type AI mode at run time: config/policy.json gives each type's mode; an alarm's automatic reaction
// or a lead in the console may change it (on, off, shadow). A change is kept in the store, so it survives a
// restart, and a change back to the configured mode simply forgets the override.
import { INTERACTION_TYPES, type InteractionType } from '../../shared/protocol.ts';
import type { TypePolicyView } from '../../shared/quality.ts';
import type { AiMode, TriagePolicy } from '../core/triage/policy.ts';
import type { Triage } from '../core/triage/triage.ts';
import type { PolicyOverride, QualityRecords } from '../store/quality-records.ts';

export class PolicyControl {
  readonly #triage: Triage;
  readonly #records: QualityRecords;
  readonly #configured: TriagePolicy;
  readonly #overrides = new Map<InteractionType, PolicyOverride>();

  readonly #onChange: () => void;

  /** `onChange` is told after every change is stored (several nodes: so the others load it). */
  constructor(triage: Triage, records: QualityRecords, onChange: () => void = () => {}) {
    this.#triage = triage;
    this.#records = records;
    this.#configured = triage.policy;
    this.#onChange = onChange;
  }

  /** Apply the overrides kept in the store; a type without one gets its configured mode back. */
  async load(): Promise<void> {
    const stored = await this.#records.policyOverrides();
    this.#overrides.clear();
    for (const type of INTERACTION_TYPES) this.#triage.setMode(type, this.#configured[type].ai);
    for (const o of stored) {
      if (o.type === 'fraud_security' && o.ai !== 'off') continue;
      this.#overrides.set(o.type, o);
      this.#triage.setMode(o.type, o.ai);
    }
  }

  mode(type: InteractionType): AiMode {
    return this.#triage.policy[type].ai;
  }

  /** Set a type's AI mode; throws a RangeError for a mode the type may not have (fraud's AI stays off). */
  async set(type: InteractionType, ai: AiMode, by: string, reason: string, at: string): Promise<void> {
    this.#triage.setMode(type, ai);
    if (ai === this.#configured[type].ai) {
      this.#overrides.delete(type);
      await this.#records.clearPolicyOverride(type);
    } else {
      const override = { type, ai, reason, changedAt: at, changedBy: by };
      this.#overrides.set(type, override);
      await this.#records.setPolicyOverride(override);
    }
    this.#onChange();
  }

  view(): Record<InteractionType, TypePolicyView> {
    return Object.fromEntries(
      INTERACTION_TYPES.map((type) => {
        const o = this.#overrides.get(type);
        const view: TypePolicyView = { ai: this.mode(type), configured: this.#configured[type].ai };
        if (o) Object.assign(view, { reason: o.reason, changedAt: o.changedAt, changedBy: o.changedBy });
        return [type, view];
      }),
    ) as Record<InteractionType, TypePolicyView>;
  }
}
