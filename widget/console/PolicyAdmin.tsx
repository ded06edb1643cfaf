// The per-type policy, for admins: whether the AI takes the type (on, off, shadow), the priority a person takes
// it at when the customer is calm, and the wait target (a chat past it is served first within its priority).
// config/policy.json gives the starting values; a change here is kept and reaches every node at once.
import { useState } from 'preact/hooks';
import { TYPE_LABELS } from '../../shared/interaction-labels.ts';
import type { InteractionType, Priority, TypeTargetsView } from '../../shared/protocol.ts';
import type { TypePolicyView } from '../../shared/quality.ts';
import { changeTypePolicy, policySettings, type AiMode, type TypeChange } from './admin-state.ts';
import { formatDuration } from './console-state.ts';

const TYPES = Object.keys(TYPE_LABELS) as InteractionType[];
const MODE_WORDS: Record<AiMode, string> = { on: 'On: the AI answers', off: 'Off: people answer', shadow: 'Shadow: the AI drafts, people answer' };
const PRIORITY_WORDS: Record<Priority, string> = { normal: 'Normal', high: 'High', urgent: 'Urgent' };

/** "2 min", "30 s", "1 h 5 min". */
function seconds(n: number): string {
  return n < 60 ? `${n} s` : formatDuration(n);
}

/** What differs from config/policy.json, and who changed it. */
function Configured({ ai, targets }: { ai: TypePolicyView; targets: TypeTargetsView }) {
  const differs: string[] = [];
  if (ai.ai !== ai.configured) differs.push(`AI ${ai.configured}`);
  if (targets.priority !== targets.configured.priority) differs.push(`${targets.configured.priority} priority`);
  if (targets.targetSeconds !== targets.configured.targetSeconds) differs.push(`target ${seconds(targets.configured.targetSeconds)}`);
  if (!differs.length) return <p class="policy-admin__note muted">As configured.</p>;
  const by = [targets.changedBy ?? ai.changedBy].filter(Boolean).join('');
  return (
    <p class="policy-admin__note">
      Configured: {differs.join(', ')}.{by ? ` Changed by ${by}.` : ''}
    </p>
  );
}

function TypeRow({ type, ai, targets }: { type: InteractionType; ai: TypePolicyView; targets: TypeTargetsView }) {
  const [mode, setMode] = useState<AiMode>(ai.ai);
  const [priority, setPriority] = useState<Priority>(targets.priority);
  const [target, setTarget] = useState(targets.targetSeconds);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const fraud = type === 'fraud_security';
  const name = TYPE_LABELS[type];
  const change: TypeChange = {};
  if (mode !== ai.ai) change.ai = mode;
  if (priority !== targets.priority) change.priority = priority;
  if (target !== targets.targetSeconds && Number.isInteger(target)) change.targetSeconds = target;
  const changed = Object.keys(change).length > 0;
  const id = `policy-admin-${type}`;
  return (
    <li class="policy-admin__row">
      <form
        class="policy-admin__form"
        aria-labelledby={`${id}-name`}
        onSubmit={async (e) => {
          e.preventDefault();
          if (!changed) return;
          setBusy(true);
          setError(null);
          const refusal = await changeTypePolicy(type, change);
          setBusy(false);
          setError(refusal);
        }}
      >
        <h4 class="policy-admin__type" id={`${id}-name`}>
          {name}
        </h4>
        <div class="field">
          <label for={`${id}-ai`} class="sr-only">
            AI for {name}
          </label>
          <select
            id={`${id}-ai`}
            value={mode}
            disabled={fraud}
            aria-describedby={fraud ? `${id}-fixed` : undefined}
            onChange={(e) => setMode(e.currentTarget.value as AiMode)}
          >
            {(Object.keys(MODE_WORDS) as AiMode[]).map((m) => (
              <option key={m} value={m}>
                {MODE_WORDS[m]}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for={`${id}-priority`} class="sr-only">
            Priority for {name}
          </label>
          <select
            id={`${id}-priority`}
            value={priority}
            disabled={fraud}
            aria-describedby={fraud ? `${id}-fixed` : undefined}
            onChange={(e) => setPriority(e.currentTarget.value as Priority)}
          >
            {(Object.keys(PRIORITY_WORDS) as Priority[]).map((p) => (
              <option key={p} value={p}>
                {PRIORITY_WORDS[p]}
              </option>
            ))}
          </select>
        </div>
        <div class="field policy-admin__target">
          <label for={`${id}-target`} class="sr-only">
            Wait target for {name} (seconds)
          </label>
          <input
            id={`${id}-target`}
            type="number"
            min={1}
            max={86_400}
            step={1}
            required
            value={Number.isNaN(target) ? '' : target}
            aria-describedby={`${id}-target-words`}
            onInput={(e) => setTarget(e.currentTarget.valueAsNumber)}
          />
          <span class="field__hint" id={`${id}-target-words`}>
            {Number.isInteger(target) && target > 0 ? seconds(target) : 'a whole number of seconds'}
          </span>
        </div>
        <div class="policy-admin__save">
          <button type="submit" class="secondary" disabled={busy || !changed}>
            Save<span class="sr-only"> {name}</span>
          </button>
        </div>
        <div class="policy-admin__status">
          {fraud && (
            <p class="policy-admin__note muted" id={`${id}-fixed`}>
              Fraud and security always go to a person at once, urgent.
            </p>
          )}
          <Configured ai={ai} targets={targets} />
          {error && (
            <p class="alert alert--inline" role="alert">
              {error}
            </p>
          )}
        </div>
      </form>
    </li>
  );
}

export function PolicyAdmin() {
  const settings = policySettings.value;
  return (
    <section class="qcard policy-admin" aria-labelledby="policy-admin-title">
      <h3 id="policy-admin-title" class="qcard__title">
        Per-type policy
      </h3>
      <p class="muted qcard__note">
        The AI for each type, the priority a person takes it at when the customer is calm (an upset customer can
        raise it), and the wait target: a chat waiting past its target is served first within its priority.
      </p>
      {settings && (
        // The column heads name the fields for the eye; each field has its full name for screen readers.
        <div class="policy-admin__heads" aria-hidden="true">
          <span>Type</span>
          <span>AI</span>
          <span>Priority</span>
          <span>Wait target (seconds)</span>
        </div>
      )}
      {settings && (
        <ul class="policy-admin__list" aria-label="Per-type policy">
          {TYPES.map((type) => (
            // Keyed by what is in force, so the fields start again from it after any change (here or elsewhere).
            <TypeRow
              key={`${type}:${settings.policy[type].ai}:${settings.targets[type].priority}:${settings.targets[type].targetSeconds}`}
              type={type}
              ai={settings.policy[type]}
              targets={settings.targets[type]}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
