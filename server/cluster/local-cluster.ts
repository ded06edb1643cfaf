// Several Tandem server processes on one machine sharing one PostgreSQL and one Redis, behind the small TCP
// proxy: `npm run cluster` for development, and the fault tests and the load benchmark, which kill and restart
// nodes. Each node is a real `node server/main.ts` process.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';

const REPO_ROOT = resolve(import.meta.dirname, '../..');

export interface ClusterNode {
  /** the node's name (TANDEM_NODE_ID) */
  id: string;
  port: number;
  url: string;
  readonly process: ChildProcess;
  /** Kill the process (SIGKILL by default: a crash, no goodbye) and wait until it is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Start it again on the same port, and wait until it answers /healthz. */
  restart(): Promise<void>;
  /** Everything it wrote to stdout and stderr. */
  output(): string;
}

export interface LocalClusterOptions {
  nodes: number;
  /** the proxy's port; the nodes take the ports after it (0: any free ports) */
  port?: number;
  /** environment for every node: DATABASE_URL and REDIS_URL at least */
  env: Record<string, string>;
  /** extra environment per node (by index) */
  nodeEnv?: (index: number) => Record<string, string>;
  /** where the nodes' output goes as it comes (default: kept only in memory) */
  onOutput?: (nodeId: string, text: string) => void;
  /** Node's own flags for the server processes, e.g. ['--expose-gc'] */
  nodeFlags?: string[];
  startTimeoutMs?: number;
}

export interface LocalCluster {
  url: string;
  proxy: TcpProxy;
  nodes: ClusterNode[];
  stop(): Promise<void>;
}

/** A TCP port free on loopback right now (for nodes, proxies and test servers). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => done(port));
    });
  });
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
    return res.ok;
  } catch {
    return false;
  }
}

export async function startLocalCluster(options: LocalClusterOptions): Promise<LocalCluster> {
  const ports: number[] = [];
  for (let i = 0; i < options.nodes; i++) ports.push(options.port ? options.port + 1 + i : await freePort());
  const nodes = ports.map((port, index) => makeNode(options, index, port));
  try {
    await Promise.all(nodes.map((node) => node.restart()));
  } catch (error) {
    await Promise.all(nodes.map((node) => node.kill('SIGKILL')));
    throw error;
  }
  const proxy = await startTcpProxy(
    ports.map((port) => ({ host: '127.0.0.1', port })),
    options.port ? { port: options.port } : {},
  );
  return {
    url: `http://127.0.0.1:${proxy.port}`,
    proxy,
    nodes,
    async stop() {
      await proxy.close();
      await Promise.all(nodes.map((node) => node.kill('SIGTERM')));
    },
  };
}

function makeNode(options: LocalClusterOptions, index: number, port: number): ClusterNode {
  const id = `node-${index + 1}`;
  let child: ChildProcess | null = null;
  let output = '';
  const node: ClusterNode = {
    id,
    port,
    url: `http://127.0.0.1:${port}`,
    get process() {
      if (!child) throw new Error(`${id} is not running`);
      return child;
    },
    output: () => output,
    async kill(signal = 'SIGKILL') {
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise<void>((done) => running.once('exit', () => done()));
      running.kill(signal);
      // A SIGTERM that does not end it in 10 s is followed by a SIGKILL.
      const force = setTimeout(() => running.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(force);
    },
    async restart() {
      await node.kill('SIGKILL');
      const proc = spawn(process.execPath, [...(options.nodeFlags ?? []), '--disable-warning=ExperimentalWarning', 'server/main.ts'], {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          LOG_LEVEL: 'info',
          ...options.env,
          ...options.nodeEnv?.(index),
          PORT: String(port),
          HOST: '127.0.0.1',
          TANDEM_NODE_ID: id,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = proc;
      const take = (chunk: Buffer) => {
        const text = chunk.toString();
        output += text;
        if (output.length > 2_000_000) output = output.slice(-1_000_000);
        options.onOutput?.(id, text);
      };
      proc.stdout!.on('data', take);
      proc.stderr!.on('data', take);
      const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
      while (!(await healthy(node.url))) {
        if (proc.exitCode !== null) throw new Error(`${id} exited with code ${proc.exitCode} while starting:\n${output.slice(-4000)}`);
        if (Date.now() > deadline) throw new Error(`${id} did not answer /healthz within ${options.startTimeoutMs ?? 60_000} ms:\n${output.slice(-4000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
  return node;
}
