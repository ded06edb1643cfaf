// The live region: where the conversation stands (assistant, queue and wait promise, agent, ended), in words.
import { connection, describeStatus } from './conversation.ts';

export function StatusLine() {
  return (
    <p class="status" data-link={connection.value} role="status" aria-live="polite">
      {describeStatus()}
    </p>
  );
}
