// Storage of the canned replies agents insert from the console (migration 0005), through the same Kysely
// query layer on both engines.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { CannedReply } from '../../shared/protocol.ts';
import type { Database } from './schema.ts';

const toReply = (row: Database['canned_replies']): CannedReply => ({
  id: row.id,
  title: row.title,
  text: row.text,
  createdBy: row.created_by,
  updatedAt: row.updated_at,
});

export class CannedReplies {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** Every canned reply, by title. */
  async list(): Promise<CannedReply[]> {
    const rows = await this.#db.selectFrom('canned_replies').selectAll().orderBy('title').orderBy('id').execute();
    return rows.map(toReply);
  }

  async create(input: { title: string; text: string }, createdBy: string, at: string): Promise<CannedReply> {
    const row = { id: randomUUID(), title: input.title, text: input.text, created_by: createdBy, updated_at: at };
    await this.#db.insertInto('canned_replies').values(row).execute();
    return toReply(row);
  }

  /** The reply with its new title and text, or null when there is no such reply. */
  async update(id: string, input: { title: string; text: string }, at: string): Promise<CannedReply | null> {
    const row = await this.#db
      .updateTable('canned_replies')
      .set({ title: input.title, text: input.text, updated_at: at })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row ? toReply(row) : null;
  }

  /** False when there was no such reply. */
  async delete(id: string): Promise<boolean> {
    const { numDeletedRows } = await this.#db.deleteFrom('canned_replies').where('id', '=', id).executeTakeFirst();
    return Number(numDeletedRows) > 0;
  }
}
