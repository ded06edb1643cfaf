// The live region: where the conversation stands (assistant, queue and wait promise, agent, ended), in words.
// A worse promise's apology comes first and stands out; it is part of the same announcement.
import { connection, describeStatus } from './conversation.ts';

export function StatusLine() {
  const { notice, text } = describeStatus();
  return (
    <p class="status" data-link={connection.value} data-notice={notice ? '' : undefined} role="status" aria-live="polite">
      <span class="status__body">
        {notice && <strong class="status__notice">{notice}</strong>}
        {notice && ' '}
        {text}
      </span>
    </p>
  );
}
