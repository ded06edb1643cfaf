// "Close conversation" with how it ended (the disposition) and the interaction type as the agent now sees it,
// pre-filled with triage's, so a wrong guess is corrected where it is noticed. The corrected type becomes a
// labelled training example and moves the quality figures to the right type (docs/QUALITY.md). The fields sit
// beside the button rather than in a dialog: one click closes, as the contract's "Close conversation" promises.
import { useEffect, useState } from 'preact/hooks';
import type { Disposition, InteractionType } from '../../shared/protocol.ts';
import { DISPOSITION_LABELS, TYPE_LABELS } from '../../shared/interaction-labels.ts';
import { closeRequest, type HeldConversation } from './console-state.ts';
import { closeConversation } from './agent-session.ts';
import { SHORTCUTS, withKeys } from './shortcuts.ts';

export function CloseControls({ conversation: c }: { conversation: HeldConversation }) {
  const id = c.conversationId;
  const [disposition, setDisposition] = useState<Disposition>('resolved');
  const [type, setType] = useState<InteractionType | ''>(c.type ?? '');
  const close = () => closeConversation(id, type ? { disposition, label: type } : { disposition });
  // The close shortcut (shortcuts.ts) closes with what these fields say, as a click would.
  const requested = closeRequest.value === id;
  useEffect(() => {
    if (!requested) return;
    closeRequest.value = null;
    if (!c.closing) close();
  }, [requested]);
  return (
    <div class="closing" role="group" aria-label="How it ended">
      <label class="closing__field">
        <span class="closing__label">Disposition</span>
        <select value={disposition} onChange={(e) => setDisposition(e.currentTarget.value as Disposition)}>
          {(Object.keys(DISPOSITION_LABELS) as Disposition[]).map((d) => (
            <option key={d} value={d}>
              {DISPOSITION_LABELS[d]}
            </option>
          ))}
        </select>
      </label>
      <label class="closing__field" title="Change it if triage was wrong: the correction teaches triage.">
        <span class="closing__label">Interaction type</span>
        <select value={type} onChange={(e) => setType(e.currentTarget.value as InteractionType | '')}>
          {!c.type && <option value="">Not judged</option>}
          {(Object.keys(TYPE_LABELS) as InteractionType[]).map((t) => (
            <option key={t} value={t}>
              {TYPE_LABELS[t]}
              {t === c.type ? ' (triage)' : ''}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        class="danger"
        id={`close-${id}`}
        aria-keyshortcuts={SHORTCUTS.close.keys}
        title={withKeys('Close conversation', 'close')}
        disabled={c.closing}
        onClick={close}
      >
        Close conversation
      </button>
    </div>
  );
}
