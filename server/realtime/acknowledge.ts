// Every client→server event: check the sender's rate limit, parse the payload with its zod schema, run the
// handler, and answer the ack with { ok: true, ... } or { ok: false, error }. A bad payload, a refused command
// or an event over the limit never throws past here, and an event over the limit is not handled at all.
import type { Logger } from 'pino';
import type { z } from 'zod';
import { describeIssues, type AckResult, type ErrorBody } from '../../shared/protocol.ts';
import { DomainError } from '../core/conversation.ts';
import type { Verdict } from '../security/rate-limits.ts';
import { isStorageUnavailable } from '../store/store.ts';

/** Whether one more `event` from this socket is within its limits. */
export type EventLimit = (event: string) => Promise<Verdict>;

/** The refusal of an event over the limit, telling when to try again. */
function rateLimited(retryAfterSeconds: number): ErrorBody {
  return { code: 'rate_limited', message: `You are sending too much too fast: please slow down and try again in ${retryAfterSeconds} s.` };
}

export function errorBody(error: unknown, log: Logger, context: string): ErrorBody {
  if (error instanceof DomainError) return { code: error.code, message: error.message };
  if (isStorageUnavailable(error)) {
    log.error({ err: error, context }, 'storage unavailable');
    return { code: 'unavailable', message: 'We could not save that just now. It has not been lost: it will be sent again in a moment.' };
  }
  log.error({ err: error, context }, 'handler failed');
  return { code: 'internal', message: 'Something went wrong on our side. Please try again.' };
}

/**
 * Handlers for `socket.on(event, …)` that log through `log` and spend from `limit`. Socket.IO passes the
 * payload, then the ack when the client asked for one; a missing or non-function ack is tolerated.
 */
export function acknowledger(log: Logger, limit: EventLimit) {
  return function acknowledged<S extends z.ZodType, R extends object>(
    event: string,
    schema: S,
    handler: (input: z.output<S>) => Promise<R> | R,
  ): (...args: unknown[]) => void {
    return (...args: unknown[]) => {
      const last = args.at(-1);
      const ack = typeof last === 'function' ? (last as (result: AckResult<R>) => void) : () => {};
      const payload = typeof last === 'function' ? args.slice(0, -1)[0] : args[0];
      // Limited before parsing: a flood of malformed payloads spends the budget too.
      limit(event)
        .then(async (verdict): Promise<AckResult<R>> => {
          if (!verdict.ok) return { ok: false, error: rateLimited(verdict.retryAfterSeconds) };
          const parsed = schema.safeParse(payload ?? {});
          if (!parsed.success) {
            const tooLong = parsed.error.issues.some((i) => i.code === 'too_big' && i.path.includes('text'));
            return { ok: false, error: { code: tooLong ? 'too_long' : 'invalid_payload', message: describeIssues(parsed.error) } };
          }
          return { ok: true, ...(await handler(parsed.data)) };
        })
        .then(ack, (error: unknown) => ack({ ok: false, error: errorBody(error, log, event) }));
    };
  };
}
