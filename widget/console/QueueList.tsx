// The waiting conversations in the order the server serves them, each with triage's signals and "Accept".
import type { QueueItem } from '../../shared/protocol.ts';
import { accepting, formatDuration, queue, queueError, waitedSeconds } from './console-state.ts';
import { accept } from './agent-session.ts';
import { MoodSignals, TriageHeadline } from './TriageSignals.tsx';

function QueueEntry({ item }: { item: QueueItem }) {
  const busy = accepting.value.includes(item.conversationId);
  return (
    <li class="queue__item" data-priority={item.priority}>
      <TriageHeadline type={item.type} priority={item.priority} triage={item.triage} />
      <p class="queue__preview">{item.preview ? `“${item.preview}”` : 'No message yet'}</p>
      <p class="queue__meta">
        <span>waiting {formatDuration(waitedSeconds(item))}</span>
        {item.promise && <span>promised {formatDuration(item.promise.seconds)}</span>}
      </p>
      <MoodSignals triage={item.triage} />
      <button type="button" class="primary" disabled={busy} onClick={() => accept(item.conversationId)}>
        Accept
      </button>
    </li>
  );
}

export function QueueList() {
  const items = queue.value;
  return (
    <aside class="queue" aria-labelledby="queue-title">
      <h2 id="queue-title" class="queue__title">
        Waiting <span class="count">{items.length}</span>
      </h2>
      {queueError.value && (
        <p class="alert" role="alert">
          {queueError.value}
        </p>
      )}
      <ul class="queue__list" aria-label="Queue">
        {items.map((item) => (
          <QueueEntry key={item.conversationId} item={item} />
        ))}
      </ul>
      {!items.length && <p class="queue__empty">No one is waiting.</p>}
    </aside>
  );
}
