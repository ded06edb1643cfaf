// The Admin page's state, in signals: the agents and the per-type policy from the admin API (server/http/
// admin-api.ts), the invite link just made (shown once: it is never stored in the clear, so it cannot be shown
// again), and each change's refusal in the server's own words.
import { batch, signal } from '@preact/signals';
import type {
  AgentAdminView,
  ErrorBody,
  InteractionType,
  InviteResponse,
  Priority,
  TypeTargetsView,
} from '../../shared/protocol.ts';
import type { TypePolicyView } from '../../shared/quality.ts';
import { agent, token } from './console-state.ts';
import { report } from './quality-state.ts';

/** Same as AGENT_CAPACITY_MAX and PASSWORD_MIN_LENGTH in shared/protocol.ts (kept out of the bundle with zod). */
export const CAPACITY_MAX = 20;
export const PASSWORD_MIN = 12;

export type AgentRole = AgentAdminView['role'];
export type AiMode = TypePolicyView['ai'];

export interface PolicySettings {
  policy: Record<InteractionType, TypePolicyView>;
  targets: Record<InteractionType, TypeTargetsView>;
}

export const agents = signal<AgentAdminView[] | null>(null);
export const policySettings = signal<PolicySettings | null>(null);
/** Why the last load failed, or null. */
export const adminError = signal<string | null>(null);
export const adminLoading = signal(false);
/** The invite link just made, for the admin to pass on; gone once dismissed or the page is left. */
export const freshInvite = signal<(InviteResponse & { renewed: boolean }) | null>(null);

type Answer<T> = { ok: true; body: T } | { ok: false; error: string };

/** A bearer request to the API; resolves with the parsed body (null for 204) or the error in words. */
async function call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, doing: string, body?: object): Promise<Answer<T>> {
  const bearer = token.value;
  if (!bearer) return { ok: false, error: 'Sign in first.' };
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: { authorization: `Bearer ${bearer}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    return { ok: false, error: `Could not reach the server to ${doing}. Check your connection.` };
  }
  if (!res.ok) {
    const failure = (await res.json().catch(() => null)) as { error?: ErrorBody } | null;
    if (failure?.error?.message) return { ok: false, error: failure.error.message };
    const error = res.status === 401 ? 'Your session has ended. Sign out and sign in again.' : `Could not ${doing} (HTTP ${res.status}).`;
    return { ok: false, error };
  }
  if (res.status === 204) return { ok: true, body: null as T };
  try {
    return { ok: true, body: (await res.json()) as T };
  } catch {
    return { ok: false, error: `The server's answer could not be read (${doing}).` };
  }
}

/** Fetches the agents and the policy settings. */
export async function loadAdmin(): Promise<void> {
  adminLoading.value = true;
  const [list, settings] = await Promise.all([
    call<{ agents: AgentAdminView[] }>('GET', '/api/admin/agents', 'load the agents'),
    call<PolicySettings>('GET', '/api/admin/policy', 'load the policy'),
  ]);
  batch(() => {
    adminLoading.value = false;
    if (list.ok) agents.value = list.body.agents;
    if (settings.ok) policySettings.value = settings.body;
    adminError.value = !list.ok ? list.error : !settings.ok ? settings.error : null;
  });
}

function putAgent(changed: AgentAdminView): void {
  const list = agents.value ?? [];
  agents.value = list.some((a) => a.id === changed.id) ? list.map((a) => (a.id === changed.id ? changed : a)) : [...list, changed];
}

export interface InviteInput {
  email: string;
  name: string;
  role: AgentRole;
  capacity: number | null;
  skills: InteractionType[] | null;
}

/** Invites an agent; resolves null when done (the link is in freshInvite), or the refusal to show. */
export async function inviteAgent(input: InviteInput): Promise<string | null> {
  const res = await call<InviteResponse>('POST', '/api/admin/agents', 'invite the agent', input);
  if (!res.ok) return res.error;
  batch(() => {
    putAgent(res.body.agent);
    freshInvite.value = { ...res.body, renewed: false };
  });
  return null;
}

/** A fresh link for an agent who has not set a password yet (the old one stops working). */
export async function renewInvite(id: string): Promise<string | null> {
  const res = await call<InviteResponse>('POST', `/api/admin/agents/${encodeURIComponent(id)}/invite`, 'make a new invite link');
  if (!res.ok) return res.error;
  batch(() => {
    putAgent(res.body.agent);
    freshInvite.value = { ...res.body, renewed: true };
  });
  return null;
}

export interface AgentChange {
  name?: string;
  role?: AgentRole;
  capacity?: number | null;
  skills?: InteractionType[] | null;
}

/** Changes an agent; resolves null when done, or the refusal (e.g. the last admin) to show. */
export async function changeAgent(id: string, change: AgentChange): Promise<string | null> {
  const res = await call<{ agent: AgentAdminView }>('PATCH', `/api/admin/agents/${encodeURIComponent(id)}`, 'change the agent', change);
  if (!res.ok) return res.error;
  putAgent(res.body.agent);
  // Stepping down from admin: this page is no longer theirs (the server says so from now on too).
  if (id === agent.value?.id && res.body.agent.role !== 'admin') void loadAdmin();
  return null;
}

export async function removeAgent(id: string): Promise<string | null> {
  const res = await call<null>('DELETE', `/api/admin/agents/${encodeURIComponent(id)}`, 'remove the agent');
  if (!res.ok) return res.error;
  agents.value = (agents.value ?? []).filter((a) => a.id !== id);
  return null;
}

export interface TypeChange {
  ai?: AiMode;
  priority?: Priority;
  targetSeconds?: number;
}

/** Changes a type's AI mode, priority and wait target; resolves null when done, or the refusal. */
export async function changeTypePolicy(type: InteractionType, change: TypeChange): Promise<string | null> {
  const res = await call<PolicySettings>('POST', `/api/quality/policy/${type}`, 'change the policy', change);
  if (!res.ok) return res.error;
  batch(() => {
    policySettings.value = res.body;
    // The Quality page shows the AI modes too.
    if (report.value) report.value = { ...report.value, policy: res.body.policy };
  });
  return null;
}

/** Forgets what the page showed (leaving it, signing out): an invite link is shown once. */
export function clearAdmin(): void {
  batch(() => {
    freshInvite.value = null;
    adminError.value = null;
  });
}
