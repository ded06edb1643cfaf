// "Assistant is typing…" / "<agent> is typing…" below the last message.
import { agentName, streaming, typing } from './conversation.ts';
import { words } from './words.ts';

export function TypingIndicator() {
  const w = words.value;
  const t = typing.value;
  const says = t.agent ? w.agentTyping(agentName.value) : t.ai && !streaming.value.length ? w.assistantTyping : null;
  if (!says) return null;
  return (
    <p class="typing">
      <span class="typing__dots" aria-hidden="true">
        <i />
        <i />
        <i />
      </span>
      {says}
    </p>
  );
}
