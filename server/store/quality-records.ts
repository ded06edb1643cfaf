// Storage of the quality signals (migration 0004): outcomes, alarms, training examples and run-time AI modes
// (and, migration 0006, run-time priorities and wait targets),
// through the same Kysely query layer, so both engines run the same queries.
import type { Kysely } from 'kysely';
import type { InteractionType, Priority } from '../../shared/protocol.ts';
import type { QualityAlarmView } from '../../shared/quality.ts';
import type { InteractionOutcome } from '../core/quality/outcome.ts';
import type { TrainingExample } from '../core/quality/training-examples.ts';
import type { AiMode } from '../core/triage/policy.ts';
import type { Database } from './schema.ts';

export interface PolicyOverride {
  type: InteractionType;
  ai: AiMode;
  reason: string;
  changedAt: string;
  changedBy: string;
}

/** A type's priority and wait target changed at run time (migration 0006); undefined: as configured. */
export interface PolicyTargetsOverride {
  type: InteractionType;
  priority?: Priority;
  targetSeconds?: number;
  changedAt: string;
  changedBy: string;
}

const outcomeRow = (o: InteractionOutcome) => ({
  type: o.type,
  resolver: o.resolver,
  closed_at: o.closedAt,
  customer_key: o.customerKey,
  recontact: o.recontact === null ? null : o.recontact ? 1 : 0,
  csat_score: o.csat,
  data: JSON.stringify(o),
});

export class QualityRecords {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** Keep an outcome (a later call for the same conversation replaces it). */
  async saveOutcome(o: InteractionOutcome): Promise<void> {
    const row = outcomeRow(o);
    await this.#db
      .insertInto('interaction_outcomes')
      .values({ conversation_id: o.conversationId, ...row })
      .onConflict((oc) => oc.column('conversation_id').doUpdateSet(row))
      .execute();
  }

  async findOutcome(conversationId: string): Promise<InteractionOutcome | null> {
    const row = await this.#db.selectFrom('interaction_outcomes').select('data').where('conversation_id', '=', conversationId).executeTakeFirst();
    return row ? (JSON.parse(row.data) as InteractionOutcome) : null;
  }

  /** Outcomes of conversations that ended at or after `since` (ISO), oldest first. */
  async outcomes(since?: string): Promise<InteractionOutcome[]> {
    let query = this.#db.selectFrom('interaction_outcomes').select('data').orderBy('closed_at');
    if (since) query = query.where('closed_at', '>=', since);
    return (await query.execute()).map((r) => JSON.parse(r.data) as InteractionOutcome);
  }

  /** Outcomes of this customer and type that ended at or after `since` and whose recontact is not known yet. */
  async openForRecontact(customerKey: string, type: InteractionType, since: string, before: string): Promise<InteractionOutcome[]> {
    const rows = await this.#db
      .selectFrom('interaction_outcomes')
      .select('data')
      .where('customer_key', '=', customerKey)
      .where('type', '=', type)
      .where('recontact', 'is', null)
      .where('closed_at', '>=', since)
      .where('closed_at', '<', before)
      .orderBy('closed_at')
      .execute();
    return rows.map((r) => JSON.parse(r.data) as InteractionOutcome);
  }

  /** Outcomes of known customers whose recontact is still unknown and that ended before `before`: their 7
   *  days are over. (Without a customer key a return cannot be seen: recontact stays unknown.) */
  async recontactDue(before: string): Promise<InteractionOutcome[]> {
    const rows = await this.#db
      .selectFrom('interaction_outcomes')
      .select('data')
      .where('recontact', 'is', null)
      .where('customer_key', 'is not', null)
      .where('closed_at', '<', before)
      .orderBy('closed_at')
      .execute();
    return rows.map((r) => JSON.parse(r.data) as InteractionOutcome);
  }

  /** Conversations closed at or after `since` (ISO) that have no outcome. */
  async closedWithoutOutcome(since: string): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('conversations as c')
      .leftJoin('interaction_outcomes as o', 'o.conversation_id', 'c.id')
      .select('c.id')
      .where('c.state', '=', 'closed')
      .where('c.closed_at', '>=', since)
      .where('o.conversation_id', 'is', null)
      .orderBy('c.closed_at')
      .execute();
    return rows.map((r) => r.id);
  }

  /** Rated conversations closed at or after `since` whose outcome has no rating yet. */
  async ratedWithoutScore(since: string): Promise<{ conversationId: string; score: number }[]> {
    const rows = await this.#db
      .selectFrom('conversations as c')
      .innerJoin('interaction_outcomes as o', 'o.conversation_id', 'c.id')
      .select(['c.id', 'c.csat_score'])
      .where('c.closed_at', '>=', since)
      .where('c.csat_score', 'is not', null)
      .where('o.csat_score', 'is', null)
      .execute();
    return rows.map((r) => ({ conversationId: r.id, score: Number(r.csat_score) }));
  }

  async saveAlarm(alarm: QualityAlarmView): Promise<void> {
    const row = { type: alarm.type, metric: alarm.metric, at: alarm.at, acknowledged_at: alarm.acknowledgedAt, data: JSON.stringify(alarm) };
    await this.#db
      .insertInto('quality_alarms')
      .values({ id: alarm.id, ...row })
      .onConflict((oc) => oc.column('id').doUpdateSet(row))
      .execute();
  }

  async findAlarm(id: string): Promise<QualityAlarmView | null> {
    const row = await this.#db.selectFrom('quality_alarms').select('data').where('id', '=', id).executeTakeFirst();
    return row ? (JSON.parse(row.data) as QualityAlarmView) : null;
  }

  /** Alarms, newest first: every unacknowledged one and the latest `limit` others. */
  async alarms(limit = 50): Promise<QualityAlarmView[]> {
    const standing = await this.#db.selectFrom('quality_alarms').select('data').where('acknowledged_at', 'is', null).orderBy('at', 'desc').execute();
    const recent = await this.#db
      .selectFrom('quality_alarms')
      .select('data')
      .where('acknowledged_at', 'is not', null)
      .orderBy('at', 'desc')
      .limit(limit)
      .execute();
    return [...standing, ...recent].map((r) => JSON.parse(r.data) as QualityAlarmView);
  }

  /** Keep examples; one already kept (same id) is left as it is. */
  async saveExamples(examples: readonly TrainingExample[]): Promise<void> {
    if (examples.length === 0) return;
    await this.#db
      .insertInto('training_examples')
      .values(examples.map((e) => ({ id: e.id, conversation_id: e.conversationId, kind: e.kind, at: e.at, data: JSON.stringify(e) })))
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  /** Training examples kept at or after `since`, oldest first. */
  async *examples(since?: string, batch = 1000): AsyncGenerator<TrainingExample> {
    let after = since ?? '';
    let lastId = '';
    for (;;) {
      const rows = await this.#db
        .selectFrom('training_examples')
        .select(['id', 'at', 'data'])
        .where((eb) => eb.or([eb('at', '>', after), eb.and([eb('at', '=', after), eb('id', '>', lastId)])]))
        .orderBy('at')
        .orderBy('id')
        .limit(batch)
        .execute();
      for (const row of rows) yield JSON.parse(row.data) as TrainingExample;
      if (rows.length < batch) return;
      after = rows.at(-1)!.at;
      lastId = rows.at(-1)!.id;
    }
  }

  async policyOverrides(): Promise<PolicyOverride[]> {
    const rows = await this.#db.selectFrom('policy_overrides').selectAll().execute();
    return rows.map((r) => ({ type: r.type as InteractionType, ai: r.ai as AiMode, reason: r.reason, changedAt: r.changed_at, changedBy: r.changed_by }));
  }

  async setPolicyOverride(o: PolicyOverride): Promise<void> {
    const row = { ai: o.ai, reason: o.reason, changed_at: o.changedAt, changed_by: o.changedBy };
    await this.#db
      .insertInto('policy_overrides')
      .values({ type: o.type, ...row })
      .onConflict((oc) => oc.column('type').doUpdateSet(row))
      .execute();
  }

  async clearPolicyOverride(type: InteractionType): Promise<void> {
    await this.#db.deleteFrom('policy_overrides').where('type', '=', type).execute();
  }

  async policyTargets(): Promise<PolicyTargetsOverride[]> {
    const rows = await this.#db.selectFrom('policy_targets').selectAll().execute();
    return rows.map((r) => ({
      type: r.type as InteractionType,
      ...(r.priority ? { priority: r.priority as Priority } : {}),
      ...(r.target_seconds !== null ? { targetSeconds: Number(r.target_seconds) } : {}),
      changedAt: r.changed_at,
      changedBy: r.changed_by,
    }));
  }

  async setPolicyTargets(o: PolicyTargetsOverride): Promise<void> {
    const row = { priority: o.priority ?? null, target_seconds: o.targetSeconds ?? null, changed_at: o.changedAt, changed_by: o.changedBy };
    await this.#db
      .insertInto('policy_targets')
      .values({ type: o.type, ...row })
      .onConflict((oc) => oc.column('type').doUpdateSet(row))
      .execute();
  }

  async clearPolicyTargets(type: InteractionType): Promise<void> {
    await this.#db.deleteFrom('policy_targets').where('type', '=', type).execute();
  }
}
