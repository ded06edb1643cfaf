// "Close conversation": how it ended (the disposition) and the interaction type as the agent now sees it,
// pre-filled with triage's, so a wrong guess is corrected where it is noticed. The corrected type becomes a
// labelled training example and moves the quality figures to the right type (docs/QUALITY.md).
import { useState } from 'preact/hooks';
import type { Disposition, InteractionType } from '../../shared/protocol.ts';
import { DISPOSITION_LABELS, TYPE_LABELS } from '../../shared/interaction-labels.ts';
import type { HeldConversation } from './console-state.ts';
import { closeConversation } from './agent-session.ts';
import { ModalDialog } from './ModalDialog.tsx';

export function CloseDialog({ conversation: c, onClose }: { conversation: HeldConversation; onClose: () => void }) {
  const id = c.conversationId;
  const [disposition, setDisposition] = useState<Disposition>('resolved');
  const [type, setType] = useState<InteractionType | ''>(c.type ?? '');
  return (
    <ModalDialog title="Close conversation" onClose={onClose} class="modal--close">
      <form
        class="modal__form"
        onSubmit={(e) => {
          e.preventDefault();
          closeConversation(id, type ? { disposition, label: type } : { disposition });
          onClose();
        }}
      >
        <p class="modal__lead">The customer is asked to rate the conversation once it is closed.</p>
        <div class="field">
          <label class="field__label" for={`close-disposition-${id}`}>
            Disposition
          </label>
          <select id={`close-disposition-${id}`} value={disposition} onChange={(e) => setDisposition(e.currentTarget.value as Disposition)}>
            {(Object.keys(DISPOSITION_LABELS) as Disposition[]).map((d) => (
              <option key={d} value={d}>
                {DISPOSITION_LABELS[d]}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label class="field__label" for={`close-type-${id}`}>
            Interaction type
          </label>
          <select
            id={`close-type-${id}`}
            value={type}
            aria-describedby={`close-type-hint-${id}`}
            onChange={(e) => setType(e.currentTarget.value as InteractionType | '')}
          >
            {!c.type && <option value="">Not judged: choose one</option>}
            {(Object.keys(TYPE_LABELS) as InteractionType[]).map((t) => (
              <option key={t} value={t}>
                {TYPE_LABELS[t]}
                {t === c.type ? ' (triage)' : ''}
              </option>
            ))}
          </select>
          <p class="field__hint" id={`close-type-hint-${id}`}>
            {c.type ? `Triage said ${TYPE_LABELS[c.type]}. Change it if that was wrong: the correction teaches triage.` : 'Triage did not judge this one.'}
          </p>
        </div>
        <div class="modal__actions">
          <button type="button" class="secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="danger">
            Close conversation
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
