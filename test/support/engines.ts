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

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Whether the Redis at REDIS_URL answers (required under CI=true; outside CI a test that needs it is skipped
 * with a loud notice, as PostgreSQL above).
 */
export async function redisUnderTest(): Promise<boolean> {
  const { Redis } = await import('ioredis');
  const client = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 5000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    if ((await client.ping()) === 'PONG') return true;
  } catch {
    /* unreachable: decided below */
  } finally {
    client.disconnect();
  }
  if (process.env.CI === 'true') throw new Error(`Redis is required under CI=true but ${REDIS_URL} is not reachable`);
  console.warn(`\n!!! Redis at ${REDIS_URL} is not reachable: the tests of limits shared through Redis are SKIPPED.\n`);
  return false;
}
