// Quality figures for Prometheus (docs/QUALITY.md): per interaction type and resolver, over the last 24 hours
// and 7 days, the same numbers the console's quality page shows; alarms by type and metric; each type's AI mode.
import { Counter, Gauge, type Registry } from 'prom-client';
import { INTERACTION_TYPES } from '../../shared/protocol.ts';
import type { WindowMetrics } from '../../shared/quality.ts';
import type { QualityService } from '../quality/quality-service.ts';

const FIGURES: [keyof WindowMetrics, string, string][] = [
  ['interactions', 'tandem_quality_interactions', 'Ended conversations'],
  ['rated', 'tandem_quality_ratings', 'Ended conversations with a CSAT rating'],
  ['csatMean', 'tandem_quality_csat_mean', 'Mean CSAT (1-5) of the rated conversations'],
  ['lowRatingShare', 'tandem_quality_low_rating_share', 'Share of CSAT ratings that are 1 or 2'],
  ['predictedCsatMean', 'tandem_quality_predicted_csat_mean', 'Mean predicted satisfaction (1-5) of every conversation'],
  ['escalationRate', 'tandem_quality_escalation_rate', 'Share of conversations escalated to a person'],
  ['recontactRate', 'tandem_quality_recontact_rate', 'Share of settled conversations whose customer came back about the same type within 7 days'],
  ['abandonmentRate', 'tandem_quality_abandonment_rate', 'Share of conversations whose customer left the queue'],
  ['sentimentChangeMean', 'tandem_quality_sentiment_change_mean', "Mean change of the customer's sentiment from the first to the last turn"],
  ['repeatedToPersonRate', 'tandem_quality_repeated_to_person_rate', 'Share of conversations with a person where the customer repeated what they had told the AI'],
];

export function registerQualityMetrics(registry: Registry, quality: Pick<QualityService, 'windows' | 'onAlarm' | 'policy'>): void {
  const labelNames = ['type', 'resolver', 'window'] as const;
  // Every gauge of one scrape reads the same windows (prom-client collects the metrics concurrently).
  let read: { at: number; windows: ReturnType<typeof quality.windows> } | null = null;
  const windows = () => {
    const now = Date.now();
    if (!read || now - read.at > 1000) read = { at: now, windows: quality.windows() };
    return read.windows;
  };
  for (const [field, name, help] of FIGURES) {
    new Gauge({
      name,
      help: `${help}, by interaction type, resolver and window`,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        for (const w of await windows()) {
          for (const [type, byResolver] of Object.entries(w.byType)) {
            for (const [resolver, m] of Object.entries(byResolver)) {
              const value = m[field];
              if (value !== null) this.set({ type, resolver, window: w.name }, value);
            }
          }
        }
      },
    });
  }

  const alarms = new Counter({
    name: 'tandem_quality_alarms_total',
    help: 'Quality alarms raised, by interaction type and metric',
    labelNames: ['type', 'metric'] as const,
    registers: [registry],
  });
  quality.onAlarm((alarm) => {
    if (!alarm.acknowledgedAt) alarms.inc({ type: alarm.type, metric: alarm.metric });
  });
  new Gauge({
    name: 'tandem_ai_mode',
    help: "Each interaction type's AI mode in force (1 for the mode it is in)",
    labelNames: ['type', 'mode'] as const,
    registers: [registry],
    collect() {
      const policy = quality.policy();
      for (const type of INTERACTION_TYPES) for (const mode of ['on', 'off', 'shadow'] as const) this.set({ type, mode }, policy[type].ai === mode ? 1 : 0);
    },
  });
}
