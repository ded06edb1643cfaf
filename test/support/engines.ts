// The storage engines the integration suite runs against: always the embedded one; PostgreSQL at
// 127.0.0.1:5432 when reachable (required under CI=true, skipped with a loud notice otherwise).
import pg from 'pg';

export const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Reachable within 10 s, trying twice: on a busy two-core machine (the whole suite starting) 2 s was not enough. */
async function postgresReachable(): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) if (await connects()) return true;
  return false;
}

async function connects(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export type Engine = 'sqlite' | 'postgres';

/** Engines to test against, decided once per test file. */
export async function enginesUnderTest(): Promise<Engine[]> {
  if (await postgresReachable()) return ['sqlite', 'postgres'];
  if (process.env.CI === 'true') throw new Error(`PostgreSQL is required under CI=true but ${POSTGRES_URL} is not reachable`);
  console.warn(`\n!!! PostgreSQL at ${POSTGRES_URL} is not reachable: the PostgreSQL half of the integration suite is SKIPPED.\n`);
  return ['sqlite'];
}
