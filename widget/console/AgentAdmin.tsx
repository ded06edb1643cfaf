// The agents, for admins: who they are, their role, the types they take and how many chats at once, whether
// they are online or still have to open their invite; "Invite an agent" (a one-time link, shown once), and per
// agent "Edit", "New invite link" and "Remove".
import { useState } from 'preact/hooks';
import { TYPE_LABELS } from '../../shared/interaction-labels.ts';
import type { AgentAdminView, InteractionType } from '../../shared/protocol.ts';
import { agent as me } from './console-state.ts';
import {
  agents,
  CAPACITY_MAX,
  changeAgent,
  freshInvite,
  inviteAgent,
  removeAgent,
  renewInvite,
  type AgentChange,
  type AgentRole,
} from './admin-state.ts';
import { ModalDialog } from './ModalDialog.tsx';

const TYPES = Object.keys(TYPE_LABELS) as InteractionType[];
const STATUS_WORDS = { online: 'Online', away: 'Away', offline: 'Offline' } as const;
const dateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

/** Moves focus to the link just made, once it is on screen (after the next render). */
function focusInviteLink(): void {
  setTimeout(() => document.getElementById('invite-link')?.focus(), 0);
}

function skillsText(skills: InteractionType[] | null): string {
  return skills === null ? 'Every type' : skills.map((t) => TYPE_LABELS[t]).join(', ');
}

/** "Every type", or some of the six: checkboxes in a fieldset. */
function SkillsField({ id, value, onChange }: { id: string; value: InteractionType[] | null; onChange: (next: InteractionType[] | null) => void }) {
  const every = value === null;
  return (
    <fieldset class="skills">
      <legend>Skills</legend>
      <label class="check">
        <input type="checkbox" checked={every} onChange={(e) => onChange(e.currentTarget.checked ? null : [...TYPES])} />
        Every type
      </label>
      {!every && (
        <div class="skills__types" id={`${id}-types`}>
          {TYPES.map((type) => (
            <label key={type} class="check">
              <input
                type="checkbox"
                checked={value.includes(type)}
                onChange={(e) => onChange(e.currentTarget.checked ? [...value, type] : value.filter((t) => t !== type))}
              />
              {TYPE_LABELS[type]}
            </label>
          ))}
        </div>
      )}
    </fieldset>
  );
}

function RoleField({ id, value, onChange }: { id: string; value: AgentRole; onChange: (role: AgentRole) => void }) {
  return (
    <div class="field">
      <label for={id}>Role</label>
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value as AgentRole)}>
        <option value="agent">Agent</option>
        <option value="admin">Admin</option>
      </select>
    </div>
  );
}

/** The admin's limit of chats at once; empty: none set (the console starts at 3 and may go up to the maximum). */
function CapacityField({ id, value, onChange }: { id: string; value: number | null; onChange: (n: number | null) => void }) {
  return (
    <div class="field">
      <label for={id}>Capacity</label>
      <input
        id={id}
        type="number"
        min={1}
        max={CAPACITY_MAX}
        step={1}
        value={value ?? ''}
        aria-describedby={`${id}-hint`}
        onInput={(e) => onChange(e.currentTarget.value === '' ? null : e.currentTarget.valueAsNumber)}
      />
      <p class="field__hint" id={`${id}-hint`}>
        Most chats at once, 1–{CAPACITY_MAX}; the agent may choose fewer in their header. Empty: no limit, they
        start at 3 and choose up to {CAPACITY_MAX}.
      </p>
    </div>
  );
}

/** The skills as chosen, or why they cannot be saved. */
function skillsProblem(skills: InteractionType[] | null): string | null {
  return skills !== null && skills.length === 0 ? 'Choose at least one type, or Every type.' : null;
}

function EditAgent({ agent, onClose }: { agent: AgentAdminView; onClose: () => void }) {
  const [name, setName] = useState(agent.name);
  const [role, setRole] = useState<AgentRole>(agent.role);
  const [capacity, setCapacity] = useState(agent.capacity);
  const [skills, setSkills] = useState<InteractionType[] | null>(agent.skills);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = `edit-${agent.id}`;
  return (
    <ModalDialog title={`Edit ${agent.name}`} onClose={onClose}>
      <form
        class="modal__form"
        onSubmit={async (e) => {
          e.preventDefault();
          const problem = skillsProblem(skills);
          if (problem) return setError(problem);
          const change: AgentChange = {};
          if (name.trim() !== agent.name) change.name = name.trim();
          if (role !== agent.role) change.role = role;
          if (capacity !== agent.capacity) change.capacity = capacity;
          if (JSON.stringify(skills) !== JSON.stringify(agent.skills)) change.skills = skills;
          if (!Object.keys(change).length) return onClose();
          setBusy(true);
          setError(null);
          const refusal = await changeAgent(agent.id, change);
          setBusy(false);
          if (refusal) setError(refusal);
          else onClose();
        }}
      >
        <p class="modal__lead">{agent.email}</p>
        <div class="field">
          <label for={`${id}-name`}>Name</label>
          <input id={`${id}-name`} required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <div class="field-row">
          <RoleField id={`${id}-role`} value={role} onChange={setRole} />
          <CapacityField id={`${id}-capacity`} value={capacity} onChange={setCapacity} />
        </div>
        <SkillsField id={`${id}-skills`} value={skills} onChange={setSkills} />
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
            Save
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

function RemoveAgent({ agent, onClose }: { agent: AgentAdminView; onClose: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <ModalDialog title={`Remove ${agent.name}?`} onClose={onClose}>
      <div class="modal__form">
        <p>
          {agent.name} ({agent.email}) is signed out at once and can no longer sign in. Chats they hold go back to the
          queue after the grace period. Their past messages keep their name.
        </p>
        {error && (
          <p class="alert" role="alert">
            {error}
          </p>
        )}
        <div class="modal__actions">
          <button type="button" class="secondary" autofocus onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            class="danger"
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              const refusal = await removeAgent(agent.id);
              setBusy(false);
              if (refusal) setError(refusal);
              else onClose();
            }}
          >
            Remove
          </button>
        </div>
      </div>
    </ModalDialog>
  );
}

function AgentRow({ agent, onEdit, onRemove }: { agent: AgentAdminView; onEdit: () => void; onRemove: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const self = agent.id === me.value?.id;
  return (
    <tr>
      <th scope="row">
        <span class="agents__name">
          {agent.name}
          {self && <span class="muted"> (you)</span>}
        </span>
        <span class="agents__email">{agent.email}</span>
      </th>
      <td>{agent.role === 'admin' ? <span class="tag tag--admin">Admin</span> : 'Agent'}</td>
      <td class="agents__skills">{skillsText(agent.skills)}</td>
      <td class="num">{agent.capacity ?? <span class="muted">their choice</span>}</td>
      <td>
        {agent.invitePending ? (
          <>
            <span class="presence" data-status="invited">
              Invited
            </span>
            {agent.inviteExpiresAt && <span class="agents__until">link works until {dateFormat.format(new Date(agent.inviteExpiresAt))}</span>}
          </>
        ) : agent.status ? (
          <span class="presence" data-status={agent.status}>
            {STATUS_WORDS[agent.status]}
          </span>
        ) : (
          <span class="presence muted" data-status="signed-out">
            Not connected
          </span>
        )}
        {error && (
          <p class="alert alert--inline" role="alert">
            {error}
          </p>
        )}
      </td>
      <td class="agents__actions">
        <button type="button" class="secondary secondary--small" aria-haspopup="dialog" id={`edit-${agent.id}-open`} onClick={onEdit}>
          Edit<span class="sr-only"> {agent.name}</span>
        </button>
        {agent.invitePending && (
          <button
            type="button"
            class="secondary secondary--small"
            onClick={async () => {
              const refusal = await renewInvite(agent.id);
              setError(refusal);
              if (!refusal) focusInviteLink();
            }}
          >
            New link<span class="sr-only"> for {agent.name}</span>
          </button>
        )}
        {!self && (
          <button type="button" class="danger danger--small" aria-haspopup="dialog" id={`remove-${agent.id}-open`} onClick={onRemove}>
            Remove<span class="sr-only"> {agent.name}</span>
          </button>
        )}
      </td>
    </tr>
  );
}

/** The list of agents, with the dialogs to edit and remove one. */
export function AgentList() {
  const [editing, setEditing] = useState<AgentAdminView | null>(null);
  const [removing, setRemoving] = useState<AgentAdminView | null>(null);
  const list = agents.value;
  return (
    <section class="qcard admin__agents" aria-labelledby="agents-title">
      <h3 id="agents-title" class="qcard__title">
        Agents <span class="count">{list ? list.length : ''}</span>
      </h3>
      {list && (
        <div class="table-scroll">
          <table class="agents">
            <caption class="sr-only">Agents</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Skills</th>
                <th scope="col" class="num">
                  Capacity
                </th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((a) => (
                <AgentRow key={a.id} agent={a} onEdit={() => setEditing(a)} onRemove={() => setRemoving(a)} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing && <EditAgent agent={agents.value?.find((a) => a.id === editing.id) ?? editing} onClose={() => setEditing(null)} />}
      {removing && <RemoveAgent agent={removing} onClose={() => setRemoving(null)} />}
    </section>
  );
}

/** The invite link just made: shown once, with Copy, and what to do with it. */
function FreshInvite() {
  const invite = freshInvite.value;
  const [copied, setCopied] = useState(false);
  if (!invite) return null;
  return (
    <div class="invite-link" role="status">
      <p class="invite-link__lead">
        <strong>
          {invite.renewed ? 'New invite link' : 'Invite link'} for {invite.agent.name}.
        </strong>{' '}
        It is shown only now: copy it and pass it on to them. It works once, until {dateFormat.format(new Date(invite.expiresAt))}.
      </p>
      <div class="invite-link__row">
        <label for="invite-link" class="sr-only">
          Invite link
        </label>
        <input id="invite-link" readOnly value={invite.inviteUrl} onFocus={(e) => e.currentTarget.select()} />
        <button
          type="button"
          class="secondary"
          onClick={async () => {
            const field = document.getElementById('invite-link') as HTMLInputElement | null;
            try {
              await navigator.clipboard.writeText(invite.inviteUrl);
            } catch {
              field?.select();
              document.execCommand('copy');
            }
            setCopied(true);
          }}
        >
          {copied ? 'Copied' : 'Copy link'}
        </button>
        <button type="button" class="link" onClick={() => (freshInvite.value = null)}>
          Done
        </button>
      </div>
    </div>
  );
}

/** "Invite an agent": email, name, role, capacity, skills; then the link, shown once. */
export function InviteAgent() {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<AgentRole>('agent');
  const [capacity, setCapacity] = useState<number | null>(3);
  const [skills, setSkills] = useState<InteractionType[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <section class="qcard admin__invite" aria-labelledby="invite-title">
      <h3 id="invite-title" class="qcard__title">
        Invite an agent
      </h3>
      <p class="muted qcard__note">
        They get a link to set their own password. Nobody else ever sees it: Tandem keeps only a hash of the link.
      </p>
      <form
        class="invite"
        onSubmit={async (e) => {
          e.preventDefault();
          const problem = skillsProblem(skills);
          if (problem) return setError(problem);
          setBusy(true);
          setError(null);
          const refusal = await inviteAgent({ email: email.trim(), name: name.trim(), role, capacity, skills });
          setBusy(false);
          if (refusal) return setError(refusal);
          setEmail('');
          setName('');
          setRole('agent');
          setCapacity(3);
          setSkills(null);
          focusInviteLink();
        }}
      >
        <div class="field-row field-row--invite">
          <div class="field">
            <label for="invite-email">Email</label>
            <input
              id="invite-email"
              type="email"
              required
              maxLength={200}
              autocomplete="off"
              value={email}
              onInput={(e) => setEmail(e.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="invite-name">Name</label>
            <input id="invite-name" required maxLength={100} autocomplete="off" value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </div>
          <RoleField id="invite-role" value={role} onChange={setRole} />
          <CapacityField id="invite-capacity" value={capacity} onChange={setCapacity} />
        </div>
        <SkillsField id="invite-skills" value={skills} onChange={setSkills} />
        {error && (
          <p class="alert" role="alert">
            {error}
          </p>
        )}
        <div>
          <button type="submit" class="primary" disabled={busy}>
            Create invite link
          </button>
        </div>
      </form>
      <FreshInvite />
    </section>
  );
}
