// The embedded engine: SQLite through Node's built-in node:sqlite, one file in DATA_DIR.
// WAL with synchronous=FULL: a commit is on disk before we acknowledge it, and a kill -9 at any instant
// leaves a database that opens (the WAL is replayed on open).
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Kysely } from 'kysely';
import { SqliteDialect } from 'kysely-sqlite';
import type { Database } from './schema.ts';
import { Store } from './store.ts';

/** Open (creating when absent) the embedded store in `dataDir`. */
export function openSqliteStore(dataDir: string): Store {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'tandem.sqlite');
  const database = new DatabaseSync(file, { timeout: 5000 });
  database.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  return new Store(db, 'sqlite', file);
}
