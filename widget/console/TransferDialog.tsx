// "Transfer": pass the conversation to another agent who is online and has room, or back to the queue for a
// skill group (it keeps its place there), with a note the next agent reads at the top of the conversation.
import { useEffect, useState } from 'preact/hooks';
import type { AgentSummary, InteractionType } from '../../shared/protocol.ts';
import { TYPE_LABELS } from '../../shared/interaction-labels.ts';
import { agent as me, type HeldConversation } from './console-state.ts';
import { listAgents, transferConversation } from './agent-session.ts';
import { ModalDialog } from './ModalDialog.tsx';

/** Why an agent cannot take the conversation now, or null when they can. */
function unavailable(a: AgentSummary): string | null {
  if (a.status !== 'online') return a.status;
  if (a.active >= a.capacity) return `at capacity, ${a.active} of ${a.capacity}`;
  return null;
}

export function TransferDialog({ conversation: c, onClose }: { conversation: HeldConversation; onClose: () => void }) {
  const id = c.conversationId;
  const [agents, setAgents] = useState<AgentSummary[] | null>(null);
  const [kind, setKind] = useState<'agent' | 'skill'>('agent');
  const [agentId, setAgentId] = useState('');
  const [skill, setSkill] = useState<InteractionType>(c.type ?? 'account_status');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void listAgents().then((answer) => {
      if (typeof answer === 'string') {
        setError(answer);
        setAgents([]);
        return;
      }
      const others = answer.filter((a) => a.id !== me.value?.id);
      setAgents(others);
      const free = others.find((a) => !unavailable(a));
      if (free) setAgentId(free.id);
      else setKind('skill');
    });
  }, []);

  const submit = async () => {
    if (kind === 'agent' && !agentId) {
      setError('Choose an agent, or transfer to a skill group.');
      return;
    }
    setBusy(true);
    setError(null);
    const refused = await transferConversation(id, kind === 'agent' ? { agentId } : { skill }, note);
    setBusy(false);
    if (refused) setError(refused);
    else onClose();
  };

  return (
    <ModalDialog title="Transfer conversation" onClose={onClose} class="modal--transfer">
      <form
        class="modal__form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <fieldset class="choice">
          <legend class="field__label">Transfer to</legend>
          <label class="choice__option">
            <input type="radio" name={`transfer-kind-${id}`} checked={kind === 'agent'} onChange={() => setKind('agent')} /> An agent
          </label>
          <label class="choice__option">
            <input type="radio" name={`transfer-kind-${id}`} checked={kind === 'skill'} onChange={() => setKind('skill')} /> A skill group
          </label>
        </fieldset>
        {kind === 'agent' ? (
          <div class="field">
            <label class="field__label" for={`transfer-agent-${id}`}>
              Agent
            </label>
            <select id={`transfer-agent-${id}`} value={agentId} disabled={!agents} onChange={(e) => setAgentId(e.currentTarget.value)}>
              {!agents && <option value="">Loading…</option>}
              {agents && !agents.some((a) => !unavailable(a)) && <option value="">No one else can take it now</option>}
              {agents?.map((a) => {
                const why = unavailable(a);
                return (
                  <option key={a.id} value={a.id} disabled={why !== null}>
                    {a.name} ({why ?? `${a.active} of ${a.capacity} chats`})
                  </option>
                );
              })}
            </select>
          </div>
        ) : (
          <div class="field">
            <label class="field__label" for={`transfer-skill-${id}`}>
              Skill group
            </label>
            <select
              id={`transfer-skill-${id}`}
              value={skill}
              aria-describedby={`transfer-skill-hint-${id}`}
              onChange={(e) => setSkill(e.currentTarget.value as InteractionType)}
            >
              {(Object.keys(TYPE_LABELS) as InteractionType[]).map((t) => (
                <option key={t} value={t}>
                  {TYPE_LABELS[t]}
                </option>
              ))}
            </select>
            <p class="field__hint" id={`transfer-skill-hint-${id}`}>
              It goes back to the queue in its place; only agents with this skill can take it.
            </p>
          </div>
        )}
        <div class="field">
          <label class="field__label" for={`transfer-note-${id}`}>
            Note for the next agent
          </label>
          <textarea
            id={`transfer-note-${id}`}
            rows={3}
            maxLength={2000}
            placeholder="What you found, what is left to do"
            value={note}
            onInput={(e) => setNote(e.currentTarget.value)}
          />
        </div>
        {error && (
          <p class="alert" role="alert">
            {error}
          </p>
        )}
        <div class="modal__actions">
          <button type="button" class="secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy}>
            Transfer
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
