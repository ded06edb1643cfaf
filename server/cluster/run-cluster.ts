// `npm run cluster`: three Tandem nodes sharing PostgreSQL and Redis behind a small proxy on PORT (3000), for
// development on one machine. DATABASE_URL (default: database `tandem_cluster` on 127.0.0.1:5432, created when
// missing) and REDIS_URL (default redis://127.0.0.1:6379) name the engines. Ctrl-C stops everything.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { redactUrl } from './connect.ts';
import { startLocalCluster } from './local-cluster.ts';

const port = Number(process.env.PORT ?? 3000);
const nodes = Number(process.env.TANDEM_CLUSTER_NODES ?? 3);
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/tandem_cluster';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const adminEmail = process.env.TANDEM_ADMIN_EMAIL ?? 'admin@tandem.local';
const adminPassword = process.env.TANDEM_ADMIN_PASSWORD ?? randomBytes(9).toString('base64url');

/** Create the database when it does not exist yet (the nodes create the tables). */
async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`Cannot reach PostgreSQL at ${target.host}: ${(error as Error).message}`, { cause: error });
  }
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) await client.query(`create database "${name.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}

try {
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 16) throw new Error('TANDEM_CLUSTER_NODES must be a whole number from 1 to 16');
  await ensureDatabase(databaseUrl);
  const cluster = await startLocalCluster({
    nodes,
    port,
    env: {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      TANDEM_ADMIN_EMAIL: adminEmail,
      TANDEM_ADMIN_PASSWORD: adminPassword,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    },
    onOutput: (id, text) => {
      for (const line of text.split('\n')) if (line.trim()) process.stdout.write(`[${id}] ${line}\n`);
    },
  });
  process.stdout.write(
    [
      '',
      `Tandem cluster: ${nodes} nodes behind ${cluster.url}`,
      ...cluster.nodes.map((n) => `  ${n.id}: ${n.url} (pid ${n.process.pid})`),
      `  Demo shop + widget:   ${cluster.url}/`,
      `  Agent console:        ${cluster.url}/console/`,
      `  Storage:              ${redactUrl(databaseUrl)}`,
      `  Redis:                ${redactUrl(redisUrl)}`,
      `  Sign in as:           ${adminEmail}${process.env.TANDEM_ADMIN_PASSWORD ? ' with the password in TANDEM_ADMIN_PASSWORD' : ` with the password ${adminPassword}`}`,
      `  Try: kill one node's pid; the widget and the console reconnect through the proxy to another.`,
      '',
    ].join('\n') + '\n',
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void cluster.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
