// A small TCP load balancer for the local cluster (`npm run cluster`) and the fault tests: each new client
// connection goes to the next node in turn, skipping a node that refuses connections. It works below HTTP, so
// a WebSocket stays on the node it reached for its whole life; nothing here needs sticky sessions because the
// widget and the console speak WebSocket only (docs/DEPLOYMENT.md). Not meant for production: use your load
// balancer there.
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface Backend {
  host: string;
  port: number;
}

export interface TcpProxy {
  port: number;
  /** Connections accepted so far, per backend port. */
  readonly connections: Map<number, number>;
  /** Close the listener and every piped connection. */
  close(): Promise<void>;
}

/** How long a node that refused a connection is skipped. */
const DOWN_FOR_MS = 1000;

export async function startTcpProxy(backends: readonly Backend[], options: { port?: number; host?: string } = {}): Promise<TcpProxy> {
  if (backends.length === 0) throw new Error('the proxy needs at least one backend');
  let next = 0;
  const downUntil = new Map<Backend, number>();
  const open = new Set<Socket>();
  const connections = new Map<number, number>();

  /** Try the backends in turn from the next one, until one accepts or all have refused. */
  function pipeToBackend(client: Socket, tried = 0): void {
    if (tried >= backends.length) {
      client.destroy();
      return;
    }
    // Prefer a node not known to be down; when all are, try in turn anyway (one may be back).
    let backend = backends[next++ % backends.length]!;
    for (let i = 0; i < backends.length && (downUntil.get(backend) ?? 0) > Date.now(); i++) backend = backends[next++ % backends.length]!;
    const upstream = createConnection(backend);
    open.add(upstream);
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      connections.set(backend.port, (connections.get(backend.port) ?? 0) + 1);
      client.pipe(upstream).pipe(client);
      client.resume();
    });
    upstream.on('error', () => {
      if (!connected) {
        downUntil.set(backend, Date.now() + DOWN_FOR_MS);
        pipeToBackend(client, tried + 1);
      } else client.destroy();
    });
    upstream.on('close', () => {
      open.delete(upstream);
      if (connected) client.destroy();
    });
  }

  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    open.add(client);
    client.on('error', () => client.destroy());
    client.on('close', () => open.delete(client));
    pipeToBackend(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    connections,
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
