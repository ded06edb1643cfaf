// A real server process, killed with SIGKILL while a customer is writing: it must start again on the same
// data folder and still hold every message it acknowledged.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AckResult, Message, SessionPayload } from '../../shared/protocol.ts';
import { REPO_ROOT } from '../../server/app.ts';
import { freePort } from '../../server/cluster/local-cluster.ts';
import { connectCustomer } from '../support/tandem.ts';
import { nextEvent } from '../support/waiting.ts';

/** Start `npm start`'s server process (without the build) and wait until it says it is running. */
function startServer(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', 'server/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`server did not start within 20 s:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Tandem is running')) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before it was running:\n${output}`));
    });
  });
}

function killNine(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('a server killed with SIGKILL mid-conversation', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-kill9-'));
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts again and has lost no acknowledged message, three times over', async () => {
    const port = await freePort();
    const env = { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, TANDEM_ADMIN_EMAIL: 'k@example.test', TANDEM_ADMIN_PASSWORD: 'kill nine times' };
    const url = `http://127.0.0.1:${port}`;
    const acknowledged: Message[] = [];
    let token: string | undefined;

    for (let round = 0; round < 3; round++) {
      const server = await startServer(env);
      children.push(server);
      const socket = connectCustomer(url, token ? { token } : {});
      const session = await nextEvent<SessionPayload>(socket, 'session');
      token = session.token;
      // Everything acknowledged in earlier rounds survived the kills.
      const stored = new Set(session.messages.map((m) => m.id));
      expect(acknowledged.filter((m) => !stored.has(m.id))).toEqual([]);

      // Write without pause; kill the process while writes are in flight.
      let writing = true;
      const writer = (async () => {
        for (let i = 0; writing; i++) {
          try {
            const ack = (await socket.timeout(2000).emitWithAck('message', { clientId: `r${round}-${i}`, text: `round ${round} message ${i}` })) as AckResult<{ message: Message }>;
            if (ack.ok) acknowledged.push(ack.message);
          } catch {
            return; // the server died mid-write: that message was never acknowledged
          }
        }
      })();
      while (acknowledged.filter((m) => m.text.startsWith(`round ${round} `)).length < 40) await new Promise((r) => setTimeout(r, 5));
      await killNine(server);
      writing = false;
      await writer;
      socket.disconnect();
    }

    const server = await startServer(env);
    children.push(server);
    const socket = connectCustomer(url, { token: token! });
    const session = await nextEvent<SessionPayload>(socket, 'session');
    const stored = new Set(session.messages.map((m) => m.id));
    expect(acknowledged.length).toBeGreaterThanOrEqual(120);
    expect(acknowledged.filter((m) => !stored.has(m.id))).toEqual([]);
    // And the store is consistent: no message twice, seqs strictly increasing.
    const seqs = session.messages.map((m) => m.seq);
    expect(new Set(session.messages.map((m) => m.id)).size).toBe(session.messages.length);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    socket.disconnect();
    server.kill('SIGTERM');
  }, 120_000);
});
