// Day by day for one type, the AI's conversations (alone, or before a person) against people's: predicted
// satisfaction, CSAT, escalation rate and sentiment change, drawn with uPlot. AI is a solid blue line, people a
// dashed amber one, and the legend says so in words; each figure has its figures as a table underneath.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { DailySeries, QualitySeries, TypeKey } from '../../shared/quality.ts';
import { chartType } from './quality-state.ts';
import { day, mean, NO_DATA, percent, signed, TYPES, typeName } from './quality-figures.ts';

const AI_COLOUR = '#1d4ed8';
const PEOPLE_COLOUR = '#b45309';
const INK = '#4b5563';
const GRID = '#e5e7eb';
const HEIGHT = 190;

interface ChartKind {
  title: string;
  /** why people's line is left out, when it says nothing */
  aiOnly?: string;
  pick: (s: DailySeries) => (number | null)[];
  range: (min: number | null, max: number | null) => [number, number];
  /** one value as the axis and the table write it */
  write: (v: number | null) => string;
}

const KINDS: ChartKind[] = [
  { title: 'Predicted satisfaction per day (1 to 5)', pick: (s) => s.predictedCsatMean, range: () => [1, 5], write: mean },
  { title: 'CSAT per day (1 to 5)', pick: (s) => s.csatMean, range: () => [1, 5], write: mean },
  {
    title: 'Escalation rate per day',
    aiOnly: "People's line is left out: every conversation a person answered from the start came through an escalation.",
    pick: (s) => s.escalationRate,
    range: () => [0, 1],
    write: percent,
  },
  {
    title: 'Sentiment change per day',
    pick: (s) => s.sentimentChangeMean,
    // Around zero, at least −0.5..0.5, so a small wobble does not fill the chart.
    range: (min, max) => [Math.min(-0.5, Math.floor((min ?? 0) * 4) / 4), Math.max(0.5, Math.ceil((max ?? 0) * 4) / 4)],
    write: (v) => signed(v, 2),
  },
];

const axis = (write: (v: number) => string): uPlot.Axis => ({
  stroke: INK,
  font: '12px system-ui, sans-serif',
  grid: { stroke: GRID, width: 1 },
  ticks: { stroke: GRID, width: 1 },
  values: (_u, splits) => splits.map((v) => write(v)),
  size: 48,
});

function optionsOf(kind: ChartKind, width: number): uPlot.Options {
  return {
    width,
    height: HEIGHT,
    // The report's days are UTC dates: label them as such, whatever the reader's time zone.
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    scales: { x: { time: true }, y: { range: (_u, min, max) => kind.range(min, max) } },
    axes: [
      { stroke: INK, font: '12px system-ui, sans-serif', grid: { show: false }, ticks: { stroke: GRID, width: 1 } },
      axis((v) => kind.write(v)),
    ],
    series: [
      { label: 'Day', value: (_u, ts) => (ts === null ? NO_DATA : day(new Date(ts * 1000).toISOString())) },
      { label: 'AI', stroke: AI_COLOUR, width: 2, points: { size: 6, fill: AI_COLOUR }, value: (_u, v) => kind.write(v) },
      ...(kind.aiOnly
        ? []
        : [
            {
              label: 'People',
              stroke: PEOPLE_COLOUR,
              width: 2,
              dash: [6, 4],
              points: { size: 6, fill: '#fff' },
              value: (_u: uPlot, v: number | null) => kind.write(v),
            },
          ]),
    ],
    cursor: { points: { size: 8 } },
    legend: { live: true, markers: { dash: (u, i) => (u.series[i]?.dash ? 'dashed' : 'solid') } },
  };
}

function Chart({ kind, days, ai, people }: { kind: ChartKind; days: readonly string[]; ai: DailySeries; people: DailySeries }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const aiValues = kind.pick(ai);
  const peopleValues = kind.pick(people);
  const data: uPlot.AlignedData = [days.map((d) => Date.parse(d) / 1000), aiValues, ...(kind.aiOnly ? [] : [peopleValues])];

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const chart = new uPlot(optionsOf(kind, el.clientWidth || 400), data, el);
    plot.current = chart;
    const resize = new ResizeObserver(() => chart.setSize({ width: el.clientWidth, height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [kind]);

  useEffect(() => {
    plot.current?.setData(data);
  });

  const id = `chart-${KINDS.indexOf(kind)}`;
  return (
    <figure class="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`} class="chart__title">
        {kind.title}
      </figcaption>
      <div class="chart__plot" ref={box} />
      {kind.aiOnly && <p class="chart__note">{kind.aiOnly}</p>}
      <details class="chart__figures">
        <summary>Figures as a table</summary>
        <table>
          <caption class="sr-only">{kind.title}</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">AI</th>
              {!kind.aiOnly && <th scope="col">People</th>}
            </tr>
          </thead>
          <tbody>
            {days.map((d, i) => (
              <tr key={d}>
                <th scope="row">{day(d)}</th>
                <td>{kind.write(aiValues[i] ?? null)}</td>
                {!kind.aiOnly && <td>{kind.write(peopleValues[i] ?? null)}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

export function QualityCharts({ series }: { series: QualitySeries }) {
  const type = chartType.value;
  const shown = series.byType[type];
  return (
    <section class="qcard charts" aria-labelledby="charts-title">
      <div class="qcard__bar">
        <h3 id="charts-title" class="qcard__title">
          AI against people, day by day
        </h3>
        <p class="qcard__select">
          <label for="chart-type">Type</label>
          <select id="chart-type" value={type} onChange={(e) => (chartType.value = e.currentTarget.value as TypeKey)}>
            {(['all', ...TYPES] as TypeKey[]).map((t) => (
              <option key={t} value={t}>
                {typeName(t)}
              </option>
            ))}
          </select>
        </p>
      </div>
      <p class="qcard__note">
        <strong>AI</strong> (solid line, filled dots): conversations the AI answered, alone or before a person.{' '}
        <strong>People</strong> (dashed line, open dots): conversations people answered from the start.
      </p>
      {shown && series.days.length ? (
        <div class="charts__grid">
          {KINDS.map((kind) => (
            <Chart key={kind.title} kind={kind} days={series.days} ai={shown.ai} people={shown.person} />
          ))}
        </div>
      ) : (
        <p class="qcard__empty">No daily figures for {typeName(type)} yet.</p>
      )}
    </section>
  );
}
