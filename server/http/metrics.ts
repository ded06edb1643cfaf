// Prometheus metrics (prom-client): process defaults plus what a support lead watches live.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { DeskListener } from '../support-desk.ts';
import type { QualityService } from '../quality/quality-service.ts';
import { registerQualityMetrics } from './quality-metrics.ts';

export interface TandemMetrics {
  registry: Registry;
  listener: DeskListener;
  queueLength: Gauge;
  connectedSockets: Gauge<'namespace'>;
  /** wait-time promises by interaction type and outcome (kept, broken), and handoffs given no number */
  waitPromises: Counter<'type' | 'outcome'>;
}

export interface MetricSources {
  /** quality figures per type and resolver over the last 24 hours and 7 days, alarms and AI modes */
  quality?: Pick<QualityService, 'windows' | 'onAlarm' | 'policy'>;
  queueLength: () => Promise<number>;
  connectedSockets: () => Record<string, number>;
}

export function createMetrics(sources: MetricSources): TandemMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tandem_' });
  const messages = new Counter({
    name: 'tandem_messages_total',
    help: 'Messages stored, by sender',
    labelNames: ['from'] as const,
    registers: [registry],
  });
  const handoffs = new Counter({
    name: 'tandem_handoffs_total',
    help: 'Conversations sent to a person, by trigger',
    labelNames: ['trigger'] as const,
    registers: [registry],
  });
  const transitions = new Counter({
    name: 'tandem_conversation_transitions_total',
    help: 'Conversation state changes, by new state',
    labelNames: ['state'] as const,
    registers: [registry],
  });
  const ratings = new Counter({
    name: 'tandem_csat_ratings_total',
    help: 'CSAT ratings received, by score',
    labelNames: ['score'] as const,
    registers: [registry],
  });
  const queueLength = new Gauge({
    name: 'tandem_queue_length',
    help: 'Conversations waiting for a person',
    registers: [registry],
    async collect() {
      this.set(await sources.queueLength());
    },
  });
  const waitPromises = new Counter({
    name: 'tandem_wait_promises_total',
    help: 'Wait-time promises by interaction type and outcome: kept, broken (coverage = kept / (kept + broken)), none (no honest number)',
    labelNames: ['type', 'outcome'] as const,
    registers: [registry],
  });
  const connectedSockets = new Gauge({
    name: 'tandem_connected_sockets',
    help: 'Open Socket.IO connections, by namespace',
    labelNames: ['namespace'] as const,
    registers: [registry],
    collect() {
      for (const [namespace, count] of Object.entries(sources.connectedSockets())) this.set({ namespace }, count);
    },
  });
  if (sources.quality) registerQualityMetrics(registry, sources.quality);
  const listener: DeskListener = {
    messages(_conversation, stored) {
      for (const m of stored) messages.inc({ from: m.from });
    },
    changed(before, after) {
      if (before.state !== after.state) transitions.inc({ state: after.state });
      if (!before.rating && after.rating) ratings.inc({ score: String(after.rating.score) });
    },
    handoff(_conversation, trigger) {
      handoffs.inc({ trigger });
    },
  };
  return { registry, listener, queueLength, connectedSockets, waitPromises };
}
