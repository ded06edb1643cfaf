// PostgreSQL (DATABASE_URL): the same schema and queries as the embedded store, through node-postgres.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';
import { Store } from './store.ts';

// bigint (int8, the log's seq) comes back as a string by default; our seqs fit a JS number for 2^53 events.
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Connect to PostgreSQL; with `schema`, every query runs in that schema (created when absent). */
export async function openPostgresStore(databaseUrl: string, options: { schema?: string; max?: number } = {}): Promise<Store> {
  const { schema } = options;
  if (schema && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
  if (schema) {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await client.query(`create schema if not exists ${schema}`);
    } finally {
      await client.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.max ?? 10,
    types,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle connection that breaks (PostgreSQL restarted, the network dropped) is dropped from the pool; without
  // a listener the pool's 'error' event would end the process. The next query opens a new connection.
  pool.on('error', () => {});
  const url = new URL(databaseUrl);
  url.password = url.password ? '***' : '';
  const location = `${url.toString()}${schema ? ` (schema ${schema})` : ''}`;
  try {
    await pool.query('select 1');
  } catch (error) {
    await pool.end();
    throw new Error(`Cannot reach PostgreSQL at ${location}: ${(error as Error).message}`, { cause: error });
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return new Store(db, 'postgres', location, schema);
}
