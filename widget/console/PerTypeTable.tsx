// The figures of one window (24 hours, 7 days, 28 days) per type, and within each type per who resolved the
// conversation, so the AI's figures stand beside people's in the same column.
import type { QualityWindow, ResolverKey, TypeKey, WindowMetrics } from '../../shared/quality.ts';
import { windowName } from './quality-state.ts';
import { count, day, mean, percent, signed, TYPES, typeName } from './quality-figures.ts';

const WINDOWS: { name: QualityWindow['name']; words: string }[] = [
  { name: '24h', words: '24 hours' },
  { name: '7d', words: '7 days' },
  { name: '28d', words: '28 days' },
];

const RESOLVER_WORDS: Record<ResolverKey, string> = {
  all: 'All',
  ai: 'AI alone',
  ai_then_person: 'AI, then a person',
  person: 'People',
};
const RESOLVER_ORDER: ResolverKey[] = ['all', 'ai', 'ai_then_person', 'person'];

function Cells({ m }: { m: WindowMetrics }) {
  return (
    <>
      <td>{count(m.interactions)}</td>
      <td>
        {mean(m.csatMean)}
        {m.rated > 0 && <span class="figure__n"> {count(m.rated)} rated</span>}
      </td>
      <td>{percent(m.lowRatingShare)}</td>
      <td>{mean(m.predictedCsatMean)}</td>
      <td>{percent(m.escalationRate)}</td>
      <td>{percent(m.recontactRate)}</td>
      <td>{percent(m.abandonmentRate)}</td>
      <td>{signed(m.sentimentChangeMean, 2)}</td>
      <td>{percent(m.repeatedToPersonRate)}</td>
    </>
  );
}

function TypeRows({ type, byResolver, alarmed }: { type: TypeKey; byResolver: Partial<Record<ResolverKey, WindowMetrics>>; alarmed: boolean }) {
  const rows = RESOLVER_ORDER.filter((r) => r === 'all' || (byResolver[r]?.interactions ?? 0) > 0);
  return (
    <tbody class="per-type__group" data-type={type}>
      {rows.map((resolver, i) => {
        const m = byResolver[resolver];
        return (
          <tr key={resolver} data-resolver={resolver}>
            {i === 0 && (
              <th scope="rowgroup" rowSpan={rows.length} class="per-type__type">
                {typeName(type)}
                {alarmed && <span class="tag tag--warn">open alarm</span>}
              </th>
            )}
            <th scope="row" class="per-type__resolver">
              {RESOLVER_WORDS[resolver]}
            </th>
            {m ? <Cells m={m} /> : <td colSpan={9} class="muted">No figures</td>}
          </tr>
        );
      })}
    </tbody>
  );
}

function WindowChoice({ windows }: { windows: readonly QualityWindow[] }) {
  return (
    <fieldset class="choice">
      <legend class="choice__legend">Window</legend>
      {WINDOWS.filter((w) => windows.some((x) => x.name === w.name)).map((w) => (
        <label key={w.name} class="choice__option">
          <input
            type="radio"
            name="quality-window"
            value={w.name}
            checked={windowName.value === w.name}
            onChange={() => (windowName.value = w.name)}
          />
          {w.words}
        </label>
      ))}
    </fieldset>
  );
}

export function PerTypeTable({ windows, alarmedTypes }: { windows: readonly QualityWindow[]; alarmedTypes: ReadonlySet<string> }) {
  const shown = windows.find((w) => w.name === windowName.value) ?? windows[0];
  if (!shown) return null;
  const types: TypeKey[] = [...TYPES.filter((t) => (shown.byType[t]?.all?.interactions ?? 0) > 0), 'all'];
  return (
    <section class="qcard per-type" aria-labelledby="per-type-title">
      <div class="qcard__bar">
        <h3 id="per-type-title" class="qcard__title">
          Per type
        </h3>
        <p class="muted" id="per-type-span">
          {day(shown.from)} to {day(shown.to)}
        </p>
        <WindowChoice windows={windows} />
      </div>
      <div class="per-type__scroll">
        <table class="per-type__table" aria-labelledby="per-type-title" aria-describedby="per-type-span">
          <thead>
            <tr>
              <th scope="col">Type</th>
              <th scope="col">Resolved by</th>
              <th scope="col">Conversations</th>
              <th scope="col">CSAT</th>
              <th scope="col">Rated 1–2</th>
              <th scope="col">Predicted satisfaction</th>
              <th scope="col">Escalated</th>
              <th scope="col">Came back in 7 days</th>
              <th scope="col">Abandoned</th>
              <th scope="col">Sentiment change</th>
              <th scope="col">Repeated to a person</th>
            </tr>
          </thead>
          {types.map((type) => (
            <TypeRows key={type} type={type} byResolver={shown.byType[type] ?? {}} alarmed={alarmedTypes.has(type)} />
          ))}
        </table>
      </div>
      {types.length === 1 && <p class="qcard__empty">No conversations of any type ended in this window.</p>}
    </section>
  );
}
