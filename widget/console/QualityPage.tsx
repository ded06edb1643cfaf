// The Quality page (/console/quality): alarms first, then what the AI does per type, the figures per type for a
// window, the daily charts of AI against people, the control group, drift and calibration. Fetched on open,
// every 30 seconds while open, and when an alarm comes in; a failed fetch is an alert above the last figures.
import { useEffect } from 'preact/hooks';
import { agent } from './console-state.ts';
import { loadQuality, loading, qualityError, report } from './quality-state.ts';
import { when } from './quality-figures.ts';
import { AlarmList } from './AlarmList.tsx';
import { TypePolicy } from './TypePolicy.tsx';
import { PerTypeTable } from './PerTypeTable.tsx';
import { QualityCharts } from './QualityCharts.tsx';
import { ControlGroup } from './ControlGroup.tsx';
import { NovelMessages } from './NovelMessages.tsx';
import { Calibration } from './Calibration.tsx';

const REFRESH_MS = 30_000;

export function QualityPage() {
  useEffect(() => {
    void loadQuality();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void loadQuality();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  const r = report.value;
  const alarmedTypes = new Set(r?.alarms.filter((a) => a.acknowledgedAt === null).map((a) => a.type));
  return (
    <main class="quality" aria-labelledby="quality-title">
      <div class="quality__head">
        <h2 id="quality-title" class="quality__title">
          Quality
        </h2>
        <p class="muted">
          {loading.value && !r ? 'Loading the figures…' : r ? `Updated ${when(r.generatedAt)}` : ''}
        </p>
        <button type="button" class="secondary" disabled={loading.value} onClick={() => void loadQuality()}>
          Refresh
        </button>
      </div>
      {qualityError.value && (
        <p class="alert" role="alert">
          {qualityError.value}
        </p>
      )}
      {r && (
        <div class="quality__body">
          <div class="quality__top">
            <AlarmList alarms={r.alarms} />
            <TypePolicy policy={r.policy} admin={agent.value?.role === 'admin'} />
          </div>
          <PerTypeTable windows={r.windows} alarmedTypes={alarmedTypes} />
          <QualityCharts series={r.series} />
          <div class="quality__checks">
            <ControlGroup control={r.control} />
            <NovelMessages weeks={r.drift.weeks} />
            <Calibration calibration={r.calibration} />
          </div>
        </div>
      )}
    </main>
  );
}
