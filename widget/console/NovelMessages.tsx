// Drift: each week, the share of customer messages unlike anything triage was trained on. A rising share means
// customers ask about things the AI was not built for.
import type { DriftWeek } from '../../shared/quality.ts';
import { count, day, percent } from './quality-figures.ts';

const WIDTH = 120;

export function NovelMessages({ weeks: all }: { weeks: readonly DriftWeek[] }) {
  // The weeks before the first message say nothing.
  const first = all.findIndex((w) => w.customerTurns > 0);
  const weeks = first < 0 ? [] : all.slice(first);
  const top = Math.max(0.1, ...weeks.map((w) => w.share ?? 0));
  return (
    <section class="qcard drift" aria-labelledby="drift-title">
      <h3 id="drift-title" class="qcard__title">
        Novel messages per week
      </h3>
      <p class="qcard__note">Customer messages unlike what triage knows, by the week's Monday.</p>
      {weeks.length ? (
        <ol class="bars" aria-labelledby="drift-title">
          {weeks.map((w) => (
            <li key={w.week} class="bars__row">
              <span class="bars__label">
                <span class="sr-only">Week of </span>
                {day(w.week)}
              </span>
              <svg class="bars__bar" width={WIDTH} height={12} viewBox={`0 0 ${WIDTH} 12`} aria-hidden="true">
                <rect class="bars__track" x={0} y={0} width={WIDTH} height={12} rx={3} />
                <rect class="bars__fill" x={0} y={0} width={((w.share ?? 0) / top) * WIDTH} height={12} rx={3} />
              </svg>
              <span class="bars__value">
                <strong>{percent(w.share)}</strong>{' '}
                <span class="figure__n">
                  {count(w.novelTurns)} of {count(w.customerTurns)}
                </span>
              </span>
            </li>
          ))}
        </ol>
      ) : (
        <p class="qcard__empty">No customer messages yet.</p>
      )}
    </section>
  );
}
