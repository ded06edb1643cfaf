// The canned replies the console offers (GET /api/canned), the admin's changes to them, and how a reply is
// filled in from a conversation before the agent edits and sends it.
import { signal } from '@preact/signals';
import type { CannedReply, ErrorBody } from '../../shared/protocol.ts';
import { fillCannedReply, type CannedVariable, type FilledReply } from '../../shared/canned-replies.ts';
import { agent, token, type HeldConversation } from './console-state.ts';

/** null until loaded. */
export const cannedReplies = signal<CannedReply[] | null>(null);
export const cannedError = signal<string | null>(null);

let loading: Promise<void> | null = null;

async function call(method: string, path: string, body?: unknown): Promise<{ ok: true; body: unknown } | { ok: false; error: string }> {
  let res: Response;
  try {
    res = await fetch(`/api/canned${path}`, {
      method,
      headers: { authorization: `Bearer ${token.value ?? ''}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    return { ok: false, error: 'Could not reach the server. Check your connection and try again.' };
  }
  const parsed: unknown = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) return { ok: false, error: (parsed as { error?: ErrorBody } | null)?.error?.message ?? `The server answered HTTP ${res.status}.` };
  return { ok: true, body: parsed };
}

/** Loads the replies (again, with `fresh`); concurrent callers share one request. */
export function loadCannedReplies(fresh = false): Promise<void> {
  if (cannedReplies.value && !fresh) return Promise.resolve();
  loading ??= call('GET', '').then((result) => {
    loading = null;
    if (result.ok) {
      cannedReplies.value = (result.body as { replies: CannedReply[] }).replies;
      cannedError.value = null;
    } else {
      cannedError.value = result.error;
    }
  });
  return loading;
}

/** Creates (no id) or changes a reply; resolves null when saved, or the error to show. */
export async function saveCannedReply(reply: { id?: string; title: string; text: string }): Promise<string | null> {
  const result = reply.id
    ? await call('PUT', `/${encodeURIComponent(reply.id)}`, { title: reply.title, text: reply.text })
    : await call('POST', '', { title: reply.title, text: reply.text });
  if (!result.ok) return result.error;
  await loadCannedReplies(true);
  return null;
}

export async function deleteCannedReply(id: string): Promise<string | null> {
  const result = await call('DELETE', `/${encodeURIComponent(id)}`);
  if (!result.ok) return result.error;
  await loadCannedReplies(true);
  return null;
}

/** What the conversation knows for the variables: the verified or signed-in customer, the order, this agent. */
export function variablesOf(c: HeldConversation): Partial<Record<CannedVariable, string>> {
  const brief = c.brief;
  const values: Partial<Record<CannedVariable, string>> = {};
  const name = brief?.customer?.name ?? brief?.signedIn?.name;
  if (name) values['customer.name'] = name;
  if (brief?.orderNumber) values['order.number'] = brief.orderNumber;
  if (agent.value?.name) values['agent.name'] = agent.value.name;
  return values;
}

/** A reply filled in for this conversation. */
export function fillFor(reply: CannedReply, c: HeldConversation): FilledReply {
  return fillCannedReply(reply.text, variablesOf(c));
}
