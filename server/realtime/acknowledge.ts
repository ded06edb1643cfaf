// Every client→server event: parse the payload with its zod schema, run the handler, and answer the ack with
// { ok: true, ... } or { ok: false, error }. A bad payload or a refused command never throws past here.
import type { Logger } from 'pino';
import type { z } from 'zod';
import { describeIssues, type AckResult, type ErrorBody } from '../../shared/protocol.ts';
import { DomainError } from '../core/conversation.ts';

export function errorBody(error: unknown, log: Logger, context: string): ErrorBody {
  if (error instanceof DomainError) return { code: error.code, message: error.message };
  log.error({ err: error, context }, 'handler failed');
  return { code: 'internal', message: 'Something went wrong on our side. Please try again.' };
}

/**
 * Handlers for `socket.on(event, …)` that log through `log`. Socket.IO passes the payload, then the ack when
 * the client asked for one; a missing or non-function ack is tolerated.
 */
export function acknowledger(log: Logger) {
  return function acknowledged<S extends z.ZodType, R extends object>(
    event: string,
    schema: S,
    handler: (input: z.output<S>) => Promise<R> | R,
  ): (...args: unknown[]) => void {
    return (...args: unknown[]) => {
      const last = args.at(-1);
      const ack = typeof last === 'function' ? (last as (result: AckResult<R>) => void) : () => {};
      const payload = typeof last === 'function' ? args.slice(0, -1)[0] : args[0];
      const parsed = schema.safeParse(payload ?? {});
      if (!parsed.success) {
        const tooLong = parsed.error.issues.some((i) => i.code === 'too_big' && i.path.includes('text'));
        ack({ ok: false, error: { code: tooLong ? 'too_long' : 'invalid_payload', message: describeIssues(parsed.error) } });
        return;
      }
      Promise.resolve()
        .then(() => handler(parsed.data))
        .then(
          (result) => ack({ ok: true, ...result }),
          (error: unknown) => ack({ ok: false, error: errorBody(error, log, event) }),
        );
    };
  };
}
