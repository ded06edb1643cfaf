// The alarms, open ones first: which type, which metric, the evidence in the server's sentence, when, and
// whether the type's AI was switched to shadow; "Acknowledge" on the open ones.
import type { QualityAlarmView } from '../../shared/quality.ts';
import { acknowledgeAlarm, acknowledging } from './quality-state.ts';
import { METRIC_WORDS, typeName, when } from './quality-figures.ts';

function byOpenThenNewest(a: QualityAlarmView, b: QualityAlarmView): number {
  const open = Number(a.acknowledgedAt !== null) - Number(b.acknowledgedAt !== null);
  return open || b.at.localeCompare(a.at);
}

function Alarm({ alarm }: { alarm: QualityAlarmView }) {
  const open = alarm.acknowledgedAt === null;
  const busy = acknowledging.value.includes(alarm.id);
  const headingId = `alarm-${alarm.id}`;
  return (
    <li class="alarm" data-open={open} aria-labelledby={headingId}>
      <p class="alarm__head" id={headingId}>
        <span class="alarm__type">{typeName(alarm.type)}</span>
        <span class="sr-only">: </span>
        <span class="alarm__metric">{METRIC_WORDS[alarm.metric] ?? alarm.metric}</span>
      </p>
      <p class="alarm__text">{alarm.evidence.text}</p>
      <p class="alarm__meta">
        <time dateTime={alarm.at}>{when(alarm.at)}</time>
        <span class="tag">{alarm.signal === 'leading' ? 'leading signal' : 'lagging signal'}</span>
        {alarm.action === 'shadowed' ? (
          <span class="tag tag--warn">AI switched to shadow</span>
        ) : (
          <span class="tag">AI left as it was</span>
        )}
      </p>
      {open ? (
        <button type="button" class="secondary alarm__ack" disabled={busy} onClick={() => void acknowledgeAlarm(alarm.id)}>
          {busy ? 'Acknowledging…' : 'Acknowledge'}
        </button>
      ) : (
        <p class="alarm__done">
          Acknowledged{alarm.acknowledgedBy ? ` by ${alarm.acknowledgedBy}` : ''}
          {alarm.acknowledgedAt && `, ${when(alarm.acknowledgedAt)}`}
        </p>
      )}
    </li>
  );
}

export function AlarmList({ alarms }: { alarms: readonly QualityAlarmView[] }) {
  const open = alarms.filter((a) => a.acknowledgedAt === null).length;
  return (
    <section class="qcard alarms" aria-labelledby="alarms-title">
      <h3 id="alarms-title" class="qcard__title">
        Alarms <span class="count">{open ? `${open} open` : ''}</span>
      </h3>
      {alarms.length ? (
        <ul class="alarms__list" aria-label="Alarms">
          {[...alarms].sort(byOpenThenNewest).map((alarm) => (
            <Alarm key={alarm.id} alarm={alarm} />
          ))}
        </ul>
      ) : (
        <p class="qcard__empty">No alarms: every type is within its usual range.</p>
      )}
    </section>
  );
}
