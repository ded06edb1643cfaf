// The Quality page's state, in signals: the server's QualityReport (GET /api/quality), the window and type the
// reader chose, and the alarms and policy changes in flight. The server computes every figure; this only
// fetches, merges an `alarm` event or an answer in, and keeps the last report on screen when a fetch fails.
import { batch, signal } from '@preact/signals';
import type { ErrorBody, InteractionType } from '../../shared/protocol.ts';
import type { QualityAlarmView, QualityReport, QualityWindow, TypeKey, TypePolicyView } from '../../shared/quality.ts';
import { page, token } from './console-state.ts';

export type AiMode = TypePolicyView['ai'];

export const report = signal<QualityReport | null>(null);
/** Why the last fetch failed, or null; the last report stays on screen. */
export const qualityError = signal<string | null>(null);
export const loading = signal(false);
export const windowName = signal<QualityWindow['name']>('7d');
/** The type the charts show. */
export const chartType = signal<TypeKey>('all');
/** Alarms whose acknowledgement is on its way. */
export const acknowledging = signal<readonly string[]>([]);
/** Per type: a policy change on its way, or the server's refusal of the last one. */
export const policyChange = signal<Partial<Record<InteractionType, { busy: boolean; error: string | null }>>>({});

/** The message of a failed answer: the server's own words when it sent an ErrorBody. */
async function failure(res: Response, doing: string): Promise<string> {
  const body = (await res.json().catch(() => null)) as { error?: ErrorBody } | null;
  if (body?.error?.message) return body.error.message;
  if (res.status === 401) return 'Your session has ended. Sign out and sign in again.';
  return `Could not ${doing} (HTTP ${res.status}).`;
}

/** A bearer request to the quality API; resolves with the parsed body or an error message. */
async function call<T>(path: string, doing: string, body?: object): Promise<{ ok: true; body: T } | { ok: false; error: string }> {
  const bearer = token.value;
  if (!bearer) return { ok: false, error: 'Sign in to see quality figures.' };
  let res: Response;
  try {
    res = await fetch(path, {
      method: body ? 'POST' : 'GET',
      headers: { authorization: `Bearer ${bearer}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    return { ok: false, error: `Could not reach the server to ${doing}. Check your connection.` };
  }
  if (!res.ok) return { ok: false, error: await failure(res, doing) };
  try {
    return { ok: true, body: (await res.json()) as T };
  } catch {
    return { ok: false, error: `The server's answer could not be read (${doing}).` };
  }
}

let inFlight: Promise<void> | null = null;

/** Fetches the report; one fetch at a time (a refresh asked for meanwhile shares it). */
export function loadQuality(): Promise<void> {
  inFlight ??= (async () => {
    loading.value = true;
    const res = await call<QualityReport>('/api/quality', 'load the quality figures');
    batch(() => {
      loading.value = false;
      if (res.ok) {
        report.value = res.body;
        qualityError.value = null;
      } else {
        qualityError.value = res.error;
      }
    });
    inFlight = null;
  })();
  return inFlight;
}

function putAlarm(alarm: QualityAlarmView): void {
  const current = report.value;
  if (!current) return;
  const known = current.alarms.some((a) => a.id === alarm.id);
  const alarms = known ? current.alarms.map((a) => (a.id === alarm.id ? alarm : a)) : [alarm, ...current.alarms];
  report.value = { ...current, alarms };
}

/** An `alarm` from the agent socket: shown at once, and the figures fetched again while the page is open. */
export function noteAlarm(alarm: QualityAlarmView): void {
  putAlarm(alarm);
  if (page.value === 'quality') void loadQuality();
}

export async function acknowledgeAlarm(id: string): Promise<void> {
  acknowledging.value = [...acknowledging.value, id];
  const res = await call<{ alarm: QualityAlarmView }>(`/api/quality/alarms/${encodeURIComponent(id)}/acknowledge`, 'acknowledge the alarm', {});
  batch(() => {
    acknowledging.value = acknowledging.value.filter((x) => x !== id);
    if (res.ok) putAlarm(res.body.alarm);
    else qualityError.value = res.error;
  });
}

/** Sets the AI mode of a type (admins only; the server refuses anyone else). */
export async function changePolicy(type: InteractionType, ai: AiMode): Promise<void> {
  policyChange.value = { ...policyChange.value, [type]: { busy: true, error: null } };
  const res = await call<{ policy: QualityReport['policy'] }>(`/api/quality/policy/${type}`, 'change the policy', { ai });
  batch(() => {
    policyChange.value = { ...policyChange.value, [type]: { busy: false, error: res.ok ? null : res.error } };
    const current = report.value;
    if (res.ok && current) report.value = { ...current, policy: res.body.policy };
  });
}

/** Forgets everything at sign-out. */
export function clearQuality(): void {
  batch(() => {
    report.value = null;
    qualityError.value = null;
    acknowledging.value = [];
    policyChange.value = {};
  });
}
