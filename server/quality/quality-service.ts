// Quality signals live (docs/QUALITY.md): when a conversation ends its outcome is read from the log, given a
// predicted satisfaction and stored; the per-type alarms test it; recontact is settled when the customer comes
// back or after 7 days; ratings calibrate the prediction; escalations, low ratings, novel turns and corrected
// types are kept as training examples. An alarm is stored, told to every console, and (by configuration)
// switches the type's AI to shadow until someone looks. Work is done one conversation at a time, in order,
// so the sequential tests see the same stream they would in the simulator.
import { createHash, randomUUID } from 'node:crypto';
import { INTERACTION_TYPES, type InteractionType } from '../../shared/protocol.ts';
import { ALARM_METRICS, METRIC_LABELS, type AlarmMetric, type QualityAlarmView, type QualityReport, type QualityWindow } from '../../shared/quality.ts';
import type { Clock } from '../core/clock.ts';
import type { Conversation } from '../core/conversation.ts';
import { QualityAlarms, type Alarm, type AlarmTuning } from '../core/quality/alarms.ts';
import { outcomeOf, type InteractionOutcome } from '../core/quality/outcome.ts';
import { SatisfactionModel } from '../core/quality/predicted-satisfaction.ts';
import { examplesAtClose, examplesAtRating } from '../core/quality/training-examples.ts';
import { calibration, controlComparison, dailySeries, driftWeeks, summarize } from '../core/quality/windows.ts';
import type { AiMode } from '../core/triage/policy.ts';
import type { Store } from '../store/store.ts';
import { QualityRecords } from '../store/quality-records.ts';
import type { DeskListener } from '../support-desk.ts';
import type { PolicyControl, TargetsChange } from './policy-control.ts';

const DAY_MS = 86_400_000;
export const RECONTACT_DAYS = 7;
/** How far back the alarms' baselines are rebuilt from at start. */
const REPLAY_DAYS = 90;
const DRIFT_WEEKS = 12;
/** How far back the owner of the alarms looks for ended conversations it never heard of. */
const RECONCILE_DAYS = 7;

export interface QualityOptions {
  store: Store;
  clock: Clock;
  policy: PolicyControl;
  /** what an alarm does to the type's AI: switch it to shadow (people take it) or nothing */
  alarmAction: 'shadow' | 'none';
  controlShare: number;
  tuning?: Partial<AlarmTuning>;
  onError?: (error: unknown, context: string) => void;
  /**
   * Where an acknowledgement goes to reach the alarms' owner, the leader (several nodes: the bus; it comes
   * back as `release`). Without it, this process owns the alarms.
   */
  sendAcknowledgement?: (type: InteractionType, metric: AlarmMetric) => void;
}

const iso = (ms: number) => new Date(ms).toISOString();

export class QualityService {
  readonly records: QualityRecords;
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #policy: PolicyControl;
  readonly #options: QualityOptions;
  #alarms: QualityAlarms;
  #model = new SatisfactionModel();
  /** work on outcomes runs one at a time, in order */
  #chain: Promise<void> = Promise.resolve();
  readonly #alarmListeners: ((alarm: QualityAlarmView) => void)[] = [];
  #cached: { at: number; report: Promise<QualityReport> } | null = null;
  #sweep: NodeJS.Timeout | undefined;

  constructor(options: QualityOptions) {
    this.#options = options;
    this.#store = options.store;
    this.#clock = options.clock;
    this.#policy = options.policy;
    this.records = new QualityRecords(options.store.db);
    this.#alarms = new QualityAlarms(this.#model, options.tuning);
  }

  /**
   * Own the alarms (this process, or the cluster's leader): rebuild the prediction and the alarms' state from the
   * stored outcomes, take in conversations that ended without an outcome (their news was lost, e.g. while the
   * leader changed), then settle recontacts hourly. Calling it again rebuilds.
   */
  async start(): Promise<void> {
    clearInterval(this.#sweep);
    await this.#policy.load();
    const model = new SatisfactionModel();
    const alarms = new QualityAlarms(model, this.#options.tuning);
    for (const o of await this.records.outcomes(iso(this.#clock.now() - REPLAY_DAYS * DAY_MS))) {
      // The alarms that fire during the replay were raised (and stored) when the data first came.
      alarms.observe(o, o.closedAt);
      if (o.recontact !== null) alarms.observeRecontact(o, o.recontact, o.closedAt);
      if (o.csat !== null) model.observe(o, o.csat);
    }
    // Alarms that stood before the restart stand again; one the replay raised that someone had already
    // acknowledged is released, so a problem that persists fires again.
    const standing = new Set((await this.records.alarms()).filter((a) => !a.acknowledgedAt).map((a) => `${a.type}/${a.metric}`));
    for (const type of INTERACTION_TYPES) {
      for (const metric of ALARM_METRICS) {
        if (standing.has(`${type}/${metric}`)) alarms.stand(type, metric);
        else if (alarms.standing(type, metric)) alarms.acknowledge(type, metric);
      }
    }
    this.#alarms = alarms;
    this.#model = model;
    const sweep = () => {
      this.#enqueue(() => this.#reconcile(), 'reconcile');
      this.#enqueue(() => this.settleRecontacts(), 'recontact');
    };
    this.#sweep = setInterval(sweep, 3_600_000);
    this.#sweep.unref();
    sweep();
  }

  /** Another node owns the alarms now: stop the sweep (this node's copy of the alarms goes stale). */
  follow(): void {
    clearInterval(this.#sweep);
    this.#sweep = undefined;
  }

  /** Conversations that ended (or were rated) in the last days with no outcome (or no rating) for them yet. */
  async #reconcile(): Promise<void> {
    const since = iso(this.#clock.now() - RECONCILE_DAYS * DAY_MS);
    for (const id of await this.records.closedWithoutOutcome(since)) {
      const conversation = await this.#store.findConversation(id);
      if (conversation) await this.#closed(conversation);
    }
    for (const { conversationId, score } of await this.records.ratedWithoutScore(since)) await this.#rated(conversationId, score);
  }

  stop(): void {
    clearInterval(this.#sweep);
  }

  /** Call `listener` with every new or changed alarm. */
  onAlarm(listener: (alarm: QualityAlarmView) => void): void {
    this.#alarmListeners.push(listener);
  }

  /** The desk listener: conversations ending and being rated. */
  listener(): DeskListener {
    return {
      changed: (before, after) => {
        if (before.state !== 'closed' && after.state === 'closed') this.#enqueue(() => this.#closed(after), 'outcome');
        if (!before.rating && after.rating) {
          const { score } = after.rating;
          this.#enqueue(() => this.#rated(after.id, score), 'rating');
        }
      },
    };
  }

  /** Resolves when every outcome, rating and alarm queued so far has been handled. */
  async idle(): Promise<void> {
    let chain: Promise<void>;
    do {
      chain = this.#chain;
      await chain;
    } while (chain !== this.#chain);
  }

  #enqueue(task: () => Promise<void>, context: string): void {
    this.#cached = null;
    this.#chain = this.#chain
      .then(task)
      .catch((error: unknown) => this.#options.onError?.(error, `quality ${context}`))
      .finally(() => {
        this.#cached = null;
      });
  }

  async #closed(conversation: Conversation): Promise<void> {
    const events = await this.#store.events(conversation.id);
    const outcome = outcomeOf(conversation, events, await this.#customerKey(conversation));
    await this.records.saveExamples(examplesAtClose(outcome, events));
    await this.#settleEarlierVisits(outcome);
    await this.ingest(outcome);
  }

  /**
   * Take one outcome: predict its satisfaction, store it, and run the alarms on it. The live path calls it for
   * every ended conversation; tests and imports may call it with outcomes built elsewhere, for a conversation
   * that is stored (an outcome belongs to a conversation).
   */
  async ingest(outcome: InteractionOutcome): Promise<void> {
    const o = { ...outcome, predictedCsat: outcome.predictedCsat ?? round(this.#model.predict(outcome)) };
    await this.records.saveOutcome(o);
    if (o.csat !== null) this.#model.observe(o, o.csat);
    await this.#raise(this.#alarms.observe(o, iso(this.#clock.now())));
    this.#cached = null;
  }

  async #rated(conversationId: string, score: number): Promise<void> {
    const stored = await this.records.findOutcome(conversationId);
    if (!stored || stored.csat !== null) return;
    const conversation = await this.#store.findConversation(conversationId);
    const outcome = { ...stored, csat: score, csatComment: conversation?.rating?.comment ?? null };
    await this.records.saveOutcome(outcome);
    this.#model.observe(outcome, score);
    await this.records.saveExamples(examplesAtRating(outcome, await this.#store.events(conversationId), score));
    await this.#raise(this.#alarms.observeRating(outcome, score, iso(this.#clock.now())));
  }

  /** A verified customer's email, else the widget's visitor id: who came back, for recontact. */
  async #customerKey(conversation: Conversation): Promise<string | null> {
    const email = conversation.assistant?.customer?.email;
    if (email) return `customer:${createHash('sha256').update(email.trim().toLowerCase()).digest('hex')}`;
    const visitor = await this.#store.visitorHash(conversation.id);
    return visitor ? `visitor:${visitor}` : null;
  }

  /** This customer came back about the same type: their visits that ended in the 7 days before are recontacts. */
  async #settleEarlierVisits(o: InteractionOutcome): Promise<void> {
    if (!o.customerKey || !o.type) return;
    const opened = Date.parse(o.openedAt);
    const earlier = await this.records.openForRecontact(o.customerKey, o.type, iso(opened - RECONTACT_DAYS * DAY_MS), o.openedAt);
    for (const e of earlier) {
      if (e.conversationId === o.conversationId) continue;
      await this.records.saveOutcome({ ...e, recontact: true });
      await this.#raise(this.#alarms.observeRecontact(e, true, iso(this.#clock.now())));
    }
  }

  /** Outcomes whose 7 days passed with no return: not recontacted. */
  async settleRecontacts(): Promise<void> {
    for (const o of await this.records.recontactDue(iso(this.#clock.now() - RECONTACT_DAYS * DAY_MS))) {
      await this.records.saveOutcome({ ...o, recontact: false });
      await this.#raise(this.#alarms.observeRecontact(o, false, iso(this.#clock.now())));
    }
  }

  async #raise(alarms: readonly Alarm[]): Promise<void> {
    for (const alarm of alarms) {
      const shadow = this.#options.alarmAction === 'shadow' && this.#policy.mode(alarm.type) === 'on';
      const view: QualityAlarmView = { id: randomUUID(), ...alarm, action: shadow ? 'shadowed' : 'none', acknowledgedAt: null, acknowledgedBy: null };
      await this.records.saveAlarm(view);
      if (shadow) await this.#policy.set(alarm.type, 'shadow', 'quality alarm', `quality alarm on ${METRIC_LABELS[alarm.metric]}: ${alarm.evidence.text}`, alarm.at);
      this.#tell(view);
    }
  }

  #tell(view: QualityAlarmView): void {
    this.#cached = null;
    for (const listener of this.#alarmListeners) {
      try {
        listener(view);
      } catch (error) {
        this.#options.onError?.(error, 'alarm listener');
      }
    }
  }

  /** Someone looked at the alarm: it stops standing and its test runs again. Returns null for an unknown id. */
  async acknowledge(alarmId: string, by: { id: string; name: string }): Promise<QualityAlarmView | null> {
    const alarm = await this.records.findAlarm(alarmId);
    if (!alarm) return null;
    if (alarm.acknowledgedAt) return alarm;
    const view = { ...alarm, acknowledgedAt: iso(this.#clock.now()), acknowledgedBy: by.name };
    await this.records.saveAlarm(view);
    if (this.#options.sendAcknowledgement) this.#options.sendAcknowledgement(alarm.type, alarm.metric as AlarmMetric);
    else this.release(alarm.type, alarm.metric as AlarmMetric);
    this.#tell(view);
    return view;
  }

  /** An alarm was acknowledged (on any node): it stops standing here and its test runs again. */
  release(type: InteractionType, metric: AlarmMetric): void {
    this.#enqueue(async () => this.#alarms.acknowledge(type, metric), 'release');
  }

  /** A lead sets a type's AI mode (for example back to on after an alarm). */
  async setMode(type: InteractionType, ai: AiMode, by: { id: string; name: string }): Promise<void> {
    await this.#policy.set(type, ai, by.name, `set by ${by.name} in the console`, iso(this.#clock.now()));
    this.#cached = null;
  }

  policy() {
    return this.#policy.view();
  }

  /** An admin sets a type's priority and wait target (throws a RangeError for fraud below urgent). */
  async setTargets(type: InteractionType, change: TargetsChange, by: { id: string; name: string }): Promise<void> {
    await this.#policy.setTargets(type, change, by.name, iso(this.#clock.now()));
  }

  /** Each type's priority and wait target in force, beside what config/policy.json says. */
  targets() {
    return this.#policy.targetsView();
  }

  /** The figures of the last 24 hours and 7 days (what /metrics exports). */
  async windows(): Promise<QualityWindow[]> {
    return (await this.report()).windows.filter((w) => w.name !== '28d');
  }

  /** Everything the console's quality page shows; computed at most every few seconds. */
  report(): Promise<QualityReport> {
    const now = this.#clock.now();
    if (this.#cached && now - this.#cached.at < 5_000) return this.#cached.report;
    const report = this.#report(now);
    this.#cached = { at: now, report };
    report.catch(() => {
      if (this.#cached?.report === report) this.#cached = null;
    });
    return report;
  }

  async #report(now: number): Promise<QualityReport> {
    const all = await this.records.outcomes(iso(now - DRIFT_WEEKS * 7 * DAY_MS));
    const since28 = now - 28 * DAY_MS;
    const last28 = all.filter((o) => Date.parse(o.closedAt) >= since28);
    const windows: QualityWindow[] = (
      [
        ['24h', DAY_MS],
        ['7d', 7 * DAY_MS],
        ['28d', 28 * DAY_MS],
      ] as const
    ).map(([name, span]) => ({ name, from: iso(now - span), to: iso(now), byType: summarize(last28, now - span, now + 1) }));
    return {
      generatedAt: iso(now),
      windows,
      series: dailySeries(last28, 28, now),
      alarms: await this.records.alarms(),
      control: { share: this.#options.controlShare, byType: controlComparison(last28) },
      drift: { weeks: driftWeeks(all, DRIFT_WEEKS, now) },
      calibration: calibration(last28),
      policy: this.#policy.view(),
    };
  }
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
