// The control group: people answer a random share of the chats the AI would keep, so their predicted
// satisfaction against the AI's on the rest is a fair comparison. Per type: both means, people − AI with its
// 95% interval (drawn, and in words), or "not enough data".
import type { InteractionType } from '../../shared/protocol.ts';
import type { ControlComparison } from '../../shared/quality.ts';
import { count, mean, percent, signed, TYPES, typeName } from './quality-figures.ts';

const WIDTH = 120;
const HEIGHT = 22;

/** The interval on a scale shared by every row, zero in the middle; for the eye only, the words say it. */
function Interval({ c, scale }: { c: ControlComparison; scale: number }) {
  if (c.difference === null || c.low === null || c.high === null) return null;
  const x = (v: number) => WIDTH / 2 + (Math.max(-scale, Math.min(scale, v)) / scale) * (WIDTH / 2 - 6);
  return (
    <svg class="interval" width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} aria-hidden="true">
      <line class="interval__zero" x1={WIDTH / 2} x2={WIDTH / 2} y1={2} y2={HEIGHT - 2} />
      <line class="interval__span" x1={x(c.low)} x2={x(c.high)} y1={HEIGHT / 2} y2={HEIGHT / 2} />
      <circle class="interval__point" cx={x(c.difference)} cy={HEIGHT / 2} r={4} />
    </svg>
  );
}

/** Which way the interval points, in words. */
function verdict(c: ControlComparison): string {
  if (c.low === null || c.high === null) return '';
  if (c.low > 0) return 'people rated higher';
  if (c.high < 0) return 'AI rated higher';
  return 'no clear difference';
}

export function ControlGroup({ control }: { control: { share: number; byType: Partial<Record<InteractionType, ControlComparison>> } }) {
  const types = TYPES.filter((t) => control.byType[t] && control.byType[t]!.ai.n + control.byType[t]!.people.n > 0);
  const widest = Math.max(0.5, ...types.flatMap((t) => [Math.abs(control.byType[t]!.low ?? 0), Math.abs(control.byType[t]!.high ?? 0)]));
  const scale = Math.ceil(widest * 2) / 2;
  return (
    <section class="qcard control" aria-labelledby="control-title">
      <h3 id="control-title" class="qcard__title">
        Control group
      </h3>
      <p class="qcard__note">
        People answer <strong>{percent(control.share)}</strong> of the chats the AI would keep, chosen at random; the
        rest stay with the AI. Predicted satisfaction, people − AI, with its 95% interval.
      </p>
      {types.length ? (
        <table class="qtable" aria-labelledby="control-title">
          <thead>
            <tr>
              <th scope="col">Type</th>
              <th scope="col">AI</th>
              <th scope="col">People</th>
              <th scope="col">People − AI</th>
              <th scope="col">
                <span class="sr-only">Interval drawn, </span>
                <span aria-hidden="true">
                  {signed(-scale)} · 0 · {signed(scale)}
                </span>
              </th>
            </tr>
          </thead>
          <tbody>
            {types.map((t) => {
              const c = control.byType[t]!;
              return (
                <tr key={t}>
                  <th scope="row">{typeName(t)}</th>
                  <td>
                    {mean(c.ai.mean)} <span class="figure__n">n={count(c.ai.n)}</span>
                  </td>
                  <td>
                    {mean(c.people.mean)} <span class="figure__n">n={count(c.people.n)}</span>
                  </td>
                  <td>
                    {c.difference === null ? (
                      <span class="muted">not enough data</span>
                    ) : (
                      <span class="difference">
                        <strong>{signed(c.difference, 2)}</strong>
                        <span class="figure__n">
                          {signed(c.low, 2)} to {signed(c.high, 2)}
                        </span>
                        <span class="figure__n">{verdict(c)}</span>
                      </span>
                    )}
                  </td>
                  <td>
                    <Interval c={c} scale={scale} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : (
        <p class="qcard__empty">No control-group conversations yet.</p>
      )}
    </section>
  );
}
