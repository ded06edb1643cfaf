// "Assistant is typing…" / "<agent> is typing…" below the last message.
import { agentName, streaming, typing } from './conversation.ts';

export function TypingIndicator() {
  const t = typing.value;
  const who = t.agent ? (agentName.value ?? 'The agent') : t.ai && !streaming.value.length ? 'Assistant' : null;
  if (!who) return null;
  return (
    <p class="typing">
      <span class="typing__dots" aria-hidden="true">
        <i />
        <i />
        <i />
      </span>
      {who} is typing…
    </p>
  );
}
