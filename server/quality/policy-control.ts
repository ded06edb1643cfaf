// The per-type policy at run time: config/policy.json gives each type's AI mode, priority and wait target; an
// alarm's automatic reaction or a lead in the console may change the mode (on, off, shadow), and an admin the
// priority and the target. A change is kept in the store, so it survives a restart, and a change back to what
// is configured simply forgets the override. `onChange` tells the other nodes, which load it again.
import { INTERACTION_TYPES, type InteractionType, type Priority, type TypeTargetsView } from '../../shared/protocol.ts';
import type { TypePolicyView } from '../../shared/quality.ts';
import type { AiMode, TriagePolicy } from '../core/triage/policy.ts';
import type { Triage } from '../core/triage/triage.ts';
import type { PolicyOverride, PolicyTargetsOverride, QualityRecords } from '../store/quality-records.ts';

/** A change of a type's priority or wait target; a field left out stays as it is. */
export interface TargetsChange {
  priority?: Priority;
  targetSeconds?: number;
}

export class PolicyControl {
  readonly #triage: Triage;
  readonly #records: QualityRecords;
  readonly #configured: TriagePolicy;
  readonly #overrides = new Map<InteractionType, PolicyOverride>();
  readonly #targets = new Map<InteractionType, PolicyTargetsOverride>();

  readonly #onChange: () => void;

  /** `onChange` is told after every change is stored (several nodes: so the others load it). */
  constructor(triage: Triage, records: QualityRecords, onChange: () => void = () => {}) {
    this.#triage = triage;
    this.#records = records;
    this.#configured = triage.policy;
    this.#onChange = onChange;
  }

  /** Apply the overrides kept in the store; a type without one gets its configured mode and targets back. */
  async load(): Promise<void> {
    const [stored, targets] = await Promise.all([this.#records.policyOverrides(), this.#records.policyTargets()]);
    this.#overrides.clear();
    this.#targets.clear();
    for (const type of INTERACTION_TYPES) {
      this.#triage.setMode(type, this.#configured[type].ai);
      this.#triage.setTargets(type, this.#configured[type]);
    }
    for (const o of stored) {
      if (o.type === 'fraud_security' && o.ai !== 'off') continue;
      this.#overrides.set(o.type, o);
      this.#triage.setMode(o.type, o.ai);
    }
    for (const o of targets) {
      if (o.type === 'fraud_security' && o.priority && o.priority !== 'urgent') continue;
      this.#targets.set(o.type, o);
      this.#triage.setTargets(o.type, { ...this.#configured[o.type], ...withoutUndefined(o) });
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

  /**
   * Set a type's priority and wait target; throws a RangeError for a priority the type may not have (fraud is
   * always urgent). New triage decisions take the priority; routing takes the target at its next refresh.
   */
  async setTargets(type: InteractionType, change: TargetsChange, by: string, at: string): Promise<void> {
    const now = this.#triage.policy[type];
    const next = { priority: change.priority ?? now.priority, targetSeconds: change.targetSeconds ?? now.targetSeconds };
    this.#triage.setTargets(type, next);
    const configured = this.#configured[type];
    const override: PolicyTargetsOverride = { type, changedAt: at, changedBy: by };
    if (next.priority !== configured.priority) override.priority = next.priority;
    if (next.targetSeconds !== configured.targetSeconds) override.targetSeconds = next.targetSeconds;
    if (override.priority === undefined && override.targetSeconds === undefined) {
      this.#targets.delete(type);
      await this.#records.clearPolicyTargets(type);
    } else {
      this.#targets.set(type, override);
      await this.#records.setPolicyTargets(override);
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

  /** Each type's priority and wait target in force, beside what is configured. */
  targetsView(): Record<InteractionType, TypeTargetsView> {
    return Object.fromEntries(
      INTERACTION_TYPES.map((type) => {
        const { priority, targetSeconds } = this.#triage.policy[type];
        const configured = this.#configured[type];
        const view: TypeTargetsView = { priority, targetSeconds, configured: { priority: configured.priority, targetSeconds: configured.targetSeconds } };
        const o = this.#targets.get(type);
        if (o) Object.assign(view, { changedAt: o.changedAt, changedBy: o.changedBy });
        return [type, view];
      }),
    ) as Record<InteractionType, TypeTargetsView>;
  }
}

function withoutUndefined(o: PolicyTargetsOverride): TargetsChange {
  const change: TargetsChange = {};
  if (o.priority !== undefined) change.priority = o.priority;
  if (o.targetSeconds !== undefined) change.targetSeconds = o.targetSeconds;
  return change;
}
