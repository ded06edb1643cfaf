// The live region: where the conversation stands (assistant, queue and wait promise, agent with their initials,
// ended, connecting or offline), in words. A worse promise's apology comes first and stands out; it is part of
// the same announcement.
import { agentName, connection, describeStatus, state } from './conversation.ts';
import { AgentAvatar } from './AgentAvatar.tsx';

export function StatusLine() {
  const { notice, text } = describeStatus();
  const agent = connection.value === 'online' && state.value === 'agent' ? agentName.value : null;
  return (
    <p class="status" data-link={connection.value} data-notice={notice ? '' : undefined} role="status" aria-live="polite">
      {agent && <AgentAvatar name={agent} />}
      <span class="status__body">
        {notice && <strong class="status__notice">{notice}</strong>}
        {notice && ' '}
        {text}
      </span>
    </p>
  );
}
