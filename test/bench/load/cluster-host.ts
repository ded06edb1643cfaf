// Runs Tandem nodes for the load benchmark in a process of their own: startLocalCluster (N real
// `node server/main.ts` processes and the small TCP proxy in front), so the proxy's work does not land on the
// load generator's event loop. Configured by TANDEM_BENCH_CLUSTER (JSON: nodes, env, nodeFlags, logDir);
// prints one line `@@READY {url, nodes: [{id, url, pid}]}` when every node answers /healthz, and stops the
// nodes when its stdin closes (the benchmark ended, or died) or on SIGTERM/SIGINT.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { startLocalCluster, type LocalCluster } from '../../../server/cluster/local-cluster.ts';

interface HostConfig {
  nodes: number;
  env: Record<string, string>;
  nodeFlags?: string[];
  logDir: string;
}

const config = JSON.parse(process.env.TANDEM_BENCH_CLUSTER ?? '{}') as HostConfig;
mkdirSync(config.logDir, { recursive: true });
const logs = new Map<string, WriteStream>();
let cluster: LocalCluster | undefined;
let stopping: Promise<void> | undefined;

function stop(code: number): void {
  stopping ??= (async () => {
    try {
      await cluster?.stop();
    } finally {
      for (const log of logs.values()) log.end();
      process.exit(code);
    }
  })();
}

process.stdin.on('end', () => stop(0));
process.stdin.on('error', () => stop(0));
process.stdin.resume();
process.on('SIGTERM', () => stop(0));
process.on('SIGINT', () => stop(0));

try {
  cluster = await startLocalCluster({
    nodes: config.nodes,
    env: config.env,
    ...(config.nodeFlags ? { nodeFlags: config.nodeFlags } : {}),
    startTimeoutMs: 90_000,
    onOutput: (id, text) => {
      let log = logs.get(id);
      if (!log) logs.set(id, (log = createWriteStream(join(config.logDir, `${id}.log`), { flags: 'a' })));
      log.write(text);
    },
  });
  const ready = { url: cluster.url, nodes: cluster.nodes.map((n) => ({ id: n.id, url: n.url, pid: n.process.pid })) };
  process.stdout.write(`@@READY ${JSON.stringify(ready)}\n`);
  if (stopping) await cluster.stop();
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  stop(1);
}
