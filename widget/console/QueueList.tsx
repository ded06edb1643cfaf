// The waiting conversations in the order the server serves them, each with triage's signals, the wait promise
// the customer was given with its countdown, and "Accept".
import { useEffect } from 'preact/hooks';
import type { QueueItem } from '../../shared/protocol.ts';
import { promiseShortWords } from '../../shared/promise-words.ts';
import { TYPE_LABELS } from '../../shared/interaction-labels.ts';
import { accepting, formatDuration, now, queue, queueError, queueReceivedAt, waitedSeconds } from './console-state.ts';
import { accept } from './agent-session.ts';
import { noteAcceptedHere } from './notifications.ts';
import { NotificationOffer } from './NotificationOffer.tsx';
import { takeable } from './session-hooks.ts';
import { SHORTCUTS, withKeys } from './shortcuts.ts';
import { MoodSignals, TriageHeadline } from './TriageSignals.tsx';

/** A promise is at risk once less than this share of it is left… */
const AT_RISK_SHARE = 0.25;
/** …or less than this many seconds, whichever comes first. */
const AT_RISK_SECONDS = 30;

type Standing = 'on-time' | 'at-risk' | 'overdue';

/**
 * Seconds left on the item's promise by now, counted on the agent's own clock from when the item arrived (the
 * server's `dueInSeconds`), never from `deadline`: the agent's wall clock may disagree with the server's.
 */
function secondsLeft(item: QueueItem): number | null {
  // An older server sends no dueInSeconds at all.
  if (typeof item.dueInSeconds !== 'number') return null;
  return item.dueInSeconds - Math.max(0, (now.value - queueReceivedAt.value) / 1000);
}

function standingOf(promised: number, left: number): Standing {
  if (left <= 0) return 'overdue';
  return left < Math.max(AT_RISK_SHARE * promised, AT_RISK_SECONDS) ? 'at-risk' : 'on-time';
}

/** "1:10", "0:05", "12:00". */
function clock(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** "promised 2 min", then "1:10 left", "at risk 0:20 left" or "overdue 0:12": words, not colour alone. */
function PromiseClock({ item, left, standing }: { item: QueueItem; left: number | null; standing: Standing | null }) {
  if (!item.promise) return <span class="promise promise--none">no promise given</span>;
  return (
    <span class="promise">
      <span>promised {promiseShortWords(item.promise.seconds)}</span>
      {left !== null && ' '}
      {left !== null && standing === 'overdue' && (
        <span class="promise__clock" data-standing={standing}>
          overdue {clock(Math.floor(-left))}
        </span>
      )}
      {left !== null && standing && standing !== 'overdue' && (
        <span class="promise__clock" data-standing={standing}>
          {standing === 'at-risk' && <span class="promise__risk">at risk</span>}
          {standing === 'at-risk' && ' '}
          {clock(Math.ceil(left))} left
        </span>
      )}
    </span>
  );
}

/** "over its 2 min target" once a chat waited past its type's wait target (routing then serves it first). */
function OverTarget({ item }: { item: QueueItem }) {
  if (typeof item.targetSeconds !== 'number' || waitedSeconds(item) < item.targetSeconds) return null;
  return <span class="target-over">past its {item.targetSeconds < 60 ? `${item.targetSeconds} s` : formatDuration(item.targetSeconds)} target</span>;
}

function QueueEntry({ item, first }: { item: QueueItem; first: boolean }) {
  const busy = accepting.value.includes(item.conversationId);
  const left = item.promise ? secondsLeft(item) : null;
  const standing = item.promise && left !== null ? standingOf(item.promise.seconds, left) : null;
  const risky = standing === 'at-risk' || standing === 'overdue';
  return (
    <li class={risky ? `queue__item queue__item--${standing}` : 'queue__item'} data-priority={item.priority}>
      <TriageHeadline type={item.type} priority={item.priority} triage={item.triage} />
      {item.transfer?.skill && (
        <p class="queue__transfer">
          Transferred by {item.transfer.from}: needs {TYPE_LABELS[item.transfer.skill]}
          {item.transfer.note ? ` — ${item.transfer.note}` : ''}
        </p>
      )}
      <p class="queue__preview">{item.preview ? `“${item.preview}”` : 'No message yet'}</p>
      <p class="queue__meta">
        <span>waiting {formatDuration(waitedSeconds(item))}</span>
        <PromiseClock item={item} left={left} standing={standing} />
        <OverTarget item={item} />
      </p>
      <MoodSignals triage={item.triage} />
      <button
        type="button"
        class="primary"
        disabled={busy}
        // The first chat this agent may take is the one the shortcut accepts.
        aria-keyshortcuts={first ? SHORTCUTS.accept.keys : undefined}
        title={first ? withKeys('Accept', 'accept') : undefined}
        onClick={() => {
          noteAcceptedHere(item.conversationId);
          accept(item.conversationId);
        }}
      >
        Accept
      </button>
    </li>
  );
}

export function QueueList() {
  const items = queue.value;
  const counting = items.some((item) => item.promise && typeof item.dueInSeconds === 'number');
  // Countdowns move by the second while there are any; otherwise the console's slower tick is enough.
  useEffect(() => {
    if (!counting) return;
    const timer = setInterval(() => (now.value = Date.now()), 1000);
    return () => clearInterval(timer);
  }, [counting]);
  return (
    <aside class="queue" aria-labelledby="queue-title">
      <NotificationOffer />
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
          <QueueEntry key={item.conversationId} item={item} first={item.conversationId === takeable.value[0]?.conversationId} />
        ))}
      </ul>
      {!items.length && <p class="queue__empty">No one is waiting.</p>}
    </aside>
  );
}
