// What the AI does for each type now (on, off, or shadow: it drafts, people answer), and why when that is not
// what config/policy.json says. Admins change it here; agents read it.
import { useState } from 'preact/hooks';
import type { InteractionType } from '../../shared/protocol.ts';
import type { TypePolicyView } from '../../shared/quality.ts';
import { changePolicy, policyChange, type AiMode } from './quality-state.ts';
import { TYPES, typeName, when } from './quality-figures.ts';

const MODE_WORDS: Record<AiMode, string> = { on: 'On', off: 'Off', shadow: 'Shadow' };
const MODE_HINTS: Record<AiMode, string> = {
  on: 'the AI answers',
  off: 'people answer',
  shadow: 'the AI drafts, people answer',
};

function ModeControl({ type, policy }: { type: InteractionType; policy: TypePolicyView }) {
  const [chosen, setChosen] = useState<AiMode>(policy.ai);
  const state = policyChange.value[type];
  const id = `policy-${type}`;
  return (
    <form
      class="policy__form"
      onSubmit={(e) => {
        e.preventDefault();
        void changePolicy(type, chosen);
      }}
    >
      <label for={id}>AI for {typeName(type)}</label>
      <select id={id} value={chosen} onChange={(e) => setChosen(e.currentTarget.value as AiMode)}>
        {(Object.keys(MODE_WORDS) as AiMode[]).map((mode) => (
          <option key={mode} value={mode}>
            {MODE_WORDS[mode]}
          </option>
        ))}
      </select>
      <button type="submit" class="secondary" disabled={state?.busy || chosen === policy.ai}>
        Apply<span class="sr-only"> to {typeName(type)}</span>
      </button>
      {state?.error && (
        <p class="alert alert--inline" role="alert">
          {state.error}
        </p>
      )}
    </form>
  );
}

function PolicyRow({ type, policy, admin }: { type: InteractionType; policy: TypePolicyView; admin: boolean }) {
  const differs = policy.ai !== policy.configured;
  return (
    <li class="policy__row" data-mode={policy.ai}>
      <p class="policy__type">{typeName(type)}</p>
      <p class="policy__mode">
        <span class="mode" data-mode={policy.ai}>
          AI {MODE_WORDS[policy.ai].toLowerCase()}
        </span>{' '}
        <span class="muted">{MODE_HINTS[policy.ai]}</span>
      </p>
      {differs && (
        <p class="policy__why">
          Configured: {MODE_WORDS[policy.configured].toLowerCase()}.
          {policy.reason ? ` ${policy.reason}` : ''}
          {policy.changedBy || policy.changedAt
            ? ` (${[policy.changedBy, policy.changedAt && when(policy.changedAt)].filter(Boolean).join(', ')})`
            : ''}
        </p>
      )}
      {/* Keyed by the mode in force, so the select starts again from it after any change. */}
      {admin && <ModeControl key={policy.ai} type={type} policy={policy} />}
    </li>
  );
}

export function TypePolicy({ policy, admin }: { policy: Partial<Record<InteractionType, TypePolicyView>>; admin: boolean }) {
  const types = TYPES.filter((t) => policy[t]);
  return (
    <section class="qcard policy" aria-labelledby="policy-title">
      <h3 id="policy-title" class="qcard__title">
        AI per type
      </h3>
      {!admin && <p class="muted qcard__note">Only an admin can change these.</p>}
      <ul class="policy__list" aria-label="AI per type">
        {types.map((type) => (
          <PolicyRow key={type} type={type} policy={policy[type]!} admin={admin} />
        ))}
      </ul>
    </section>
  );
}
