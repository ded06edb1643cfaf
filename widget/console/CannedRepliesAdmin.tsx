// Managing the canned replies (for the admin page): the list, and a form to add one or change one. Only admins
// may save (the server refuses anyone else); the variables are listed beside the text so a typo is caught.
import { useEffect, useState } from 'preact/hooks';
import type { CannedReply } from '../../shared/protocol.ts';
import { CANNED_VARIABLES, unknownVariables } from '../../shared/canned-replies.ts';
import { agent } from './console-state.ts';
import { cannedError, cannedReplies, deleteCannedReply, loadCannedReplies, saveCannedReply } from './canned-replies.ts';

const VARIABLE_HELP: Record<keyof typeof CANNED_VARIABLES, string> = {
  'customer.name': "the customer's name, when they proved who they are or are signed in at the shop",
  'order.number': 'the order the conversation is about, when the assistant knows it',
  'agent.name': 'your name',
};

function ReplyForm({ editing, onDone }: { editing: CannedReply | null; onDone: () => void }) {
  const [title, setTitle] = useState(editing?.title ?? '');
  const [text, setText] = useState(editing?.text ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const unknown = unknownVariables(text);
  const formId = editing ? `canned-edit-${editing.id}` : 'canned-new';
  return (
    <form
      class="canned-admin__form"
      aria-label={editing ? `Edit “${editing.title}”` : 'New canned reply'}
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        const refused = await saveCannedReply(editing ? { id: editing.id, title, text } : { title, text });
        setBusy(false);
        if (refused) return setError(refused);
        setError(null);
        if (!editing) {
          setTitle('');
          setText('');
        }
        onDone();
      }}
    >
      <div class="field">
        <label class="field__label" for={`${formId}-title`}>
          Title
        </label>
        <input id={`${formId}-title`} type="text" required maxLength={80} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label class="field__label" for={`${formId}-text`}>
          Text
        </label>
        <textarea
          id={`${formId}-text`}
          rows={4}
          required
          maxLength={2000}
          value={text}
          aria-describedby={`${formId}-vars`}
          aria-invalid={unknown.length > 0}
          onInput={(e) => setText(e.currentTarget.value)}
        />
        <p class="field__hint" id={`${formId}-vars`}>
          {unknown.length
            ? `Unknown variable ${unknown.map((v) => `{${v}}`).join(', ')}.`
            : 'Variables: {customer.name}, {order.number}, {agent.name}; one the conversation does not know is left as a blank to fill in.'}
        </p>
      </div>
      {error && (
        <p class="alert" role="alert">
          {error}
        </p>
      )}
      <div class="modal__actions">
        {editing && (
          <button type="button" class="secondary" onClick={onDone}>
            Cancel
          </button>
        )}
        <button type="submit" class="primary" disabled={busy || unknown.length > 0}>
          {editing ? 'Save changes' : 'Add canned reply'}
        </button>
      </div>
    </form>
  );
}

/** The canned replies' management section: drop it into the admin page. */
export function CannedRepliesAdmin() {
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const admin = agent.value?.role === 'admin';
  const replies = cannedReplies.value;
  useEffect(() => {
    void loadCannedReplies(true);
  }, []);
  return (
    <section class="canned-admin" aria-labelledby="canned-admin-title">
      <h2 id="canned-admin-title" class="canned-admin__title">
        Canned replies
      </h2>
      <p class="muted">
        Agents insert these from the Reply box (“Canned replies”, or / at the start) and edit them before sending.
      </p>
      <dl class="canned-admin__vars">
        {(Object.keys(VARIABLE_HELP) as (keyof typeof CANNED_VARIABLES)[]).map((name) => (
          <div key={name}>
            <dt>
              <code>{`{${name}}`}</code>
            </dt>
            <dd>{VARIABLE_HELP[name]}</dd>
          </div>
        ))}
      </dl>
      {(error ?? (!replies && cannedError.value)) && (
        <p class="alert" role="alert">
          {error ?? cannedError.value}
        </p>
      )}
      <ul class="canned-admin__list" aria-label="Canned replies">
        {replies?.map((reply) => (
          <li key={reply.id} class="canned-admin__item">
            {editing === reply.id ? (
              <ReplyForm editing={reply} onDone={() => setEditing(null)} />
            ) : (
              <>
                <p class="canned-admin__head">
                  <strong>{reply.title}</strong>
                  <span class="muted"> · {reply.createdBy}</span>
                </p>
                <p class="canned-admin__text">{reply.text}</p>
                {admin && (
                  <p class="canned-admin__actions">
                    <button type="button" class="secondary" aria-label={`Edit “${reply.title}”`} onClick={() => setEditing(reply.id)}>
                      Edit
                    </button>
                    <button
                      type="button"
                      class="danger"
                      aria-label={`Delete “${reply.title}”`}
                      onClick={async () => {
                        if (!confirm(`Delete the canned reply “${reply.title}”?`)) return;
                        setError(await deleteCannedReply(reply.id));
                      }}
                    >
                      Delete
                    </button>
                  </p>
                )}
              </>
            )}
          </li>
        ))}
      </ul>
      {admin ? <ReplyForm editing={null} onDone={() => undefined} /> : <p class="muted">Only an admin can change the canned replies.</p>}
    </section>
  );
}
