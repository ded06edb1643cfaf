// How far predicted satisfaction is from the ratings that arrived: the mean error in points, and per band of
// prediction the mean rating observed.
import type { QualityReport } from '../../shared/quality.ts';
import { count, mean } from './quality-figures.ts';

export function Calibration({ calibration }: { calibration: QualityReport['calibration'] }) {
  const { rated, meanAbsoluteError, bins } = calibration;
  return (
    <section class="qcard calibration" aria-labelledby="calibration-title">
      <h3 id="calibration-title" class="qcard__title">
        Predicted satisfaction against ratings
      </h3>
      <dl class="facts">
        <div>
          <dt>Rated conversations</dt>
          <dd>{count(rated)}</dd>
        </div>
        <div>
          <dt>Mean error</dt>
          <dd>{meanAbsoluteError === null ? 'not enough ratings' : `${meanAbsoluteError.toFixed(2)} points`}</dd>
        </div>
      </dl>
      {bins.length > 0 && (
        <table class="qtable" aria-label="Predicted against rated">
          <thead>
            <tr>
              <th scope="col">Predicted</th>
              <th scope="col">Rated</th>
              <th scope="col">Ratings</th>
            </tr>
          </thead>
          <tbody>
            {bins.map((b) => (
              <tr key={b.predicted}>
                <th scope="row">{mean(b.predicted)}</th>
                <td>{mean(b.observed)}</td>
                <td>{count(b.n)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
