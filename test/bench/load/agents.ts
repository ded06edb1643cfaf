// The simulated agents of the load benchmark: the admin signs in once (POST /api/auth/login) and keeps a few
// consoles open on `/agent` (through the proxy they land on different nodes), goes online with a capacity,
// and serves the queue like a person would, only faster: accept the first waiting chat it has room for,
// write one message after a pause, close the chat after another. Each chat is handled through the console
// that saw it in its queue.
import { io, type Socket } from 'socket.io-client';
import { Tally, sleep } from './stats.ts';

export interface AgentOptions {
  url: string;
  admin: { email: string; password: string };
  consoles: number;
  capacity: number;
  /** pause before the agent writes, and again before they close */
  thinkMs: number;
}

export interface AgentReport {
  accepted: number;
  /** accept refused because the chat was gone (another console or node took it, or the customer left) */
  lostRaces: number;
  written: number;
  closed: number;
  errors: Tally;
}

type Ack = { ok: true } | { ok: false; error: { code: string; message: string } };
interface QueueItem {
  conversationId: string;
}

export class AgentDesk {
  readonly #options: AgentOptions;
  readonly #consoles: Socket[] = [];
  /** chats held or being accepted */
  readonly #held = new Set<string>();
  /** the latest queue each console saw */
  readonly #queues = new Map<Socket, QueueItem[]>();
  readonly #report: AgentReport = { accepted: 0, lostRaces: 0, written: 0, closed: 0, errors: new Tally() };
  #stopped = false;
  #seq = 0;

  constructor(options: AgentOptions) {
    this.#options = options;
  }

  /** Sign in, open the consoles and go online on each. */
  async start(): Promise<void> {
    const response = await fetch(`${this.#options.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(this.#options.admin),
    });
    if (response.status !== 200) throw new Error(`agent login failed with ${response.status}: ${await response.text()}`);
    const { token } = (await response.json()) as { token: string };
    for (let i = 0; i < this.#options.consoles; i++) {
      const socket = io(`${this.#options.url}/agent`, { transports: ['websocket'], auth: { token }, forceNew: true, reconnection: false });
      this.#consoles.push(socket);
      socket.on('queue', (queue: { items: QueueItem[] }) => {
        this.#queues.set(socket, queue.items);
        this.#serve();
      });
      await new Promise<void>((done, fail) => {
        socket.once('connect', () => done());
        socket.once('connect_error', (error: Error) => fail(new Error(`agent console could not connect: ${error.message}`)));
      });
      const ack = (await socket.timeout(10_000).emitWithAck('presence', { status: 'online', capacity: this.#options.capacity })) as Ack;
      if (!ack.ok) throw new Error(`presence refused: ${ack.error.code}`);
    }
  }

  /** Accept waiting chats while there is room. */
  #serve(): void {
    if (this.#stopped) return;
    for (const [socket, items] of this.#queues) {
      for (const item of items) {
        if (this.#held.size >= this.#options.capacity) return;
        if (this.#held.has(item.conversationId)) continue;
        this.#held.add(item.conversationId);
        void this.#handle(socket, item.conversationId);
      }
    }
  }

  async #handle(socket: Socket, conversationId: string): Promise<void> {
    const { thinkMs } = this.#options;
    try {
      const accepted = await this.#ask(socket, 'accept', { conversationId });
      if (!accepted.ok) {
        if (accepted.error.code === 'invalid_state' || accepted.error.code === 'not_found') this.#report.lostRaces++;
        else this.#report.errors.add(`accept: ${accepted.error.code}`);
        return;
      }
      this.#report.accepted++;
      await sleep(thinkMs);
      const written = await this.#ask(socket, 'message', { conversationId, clientId: `agent-${++this.#seq}`, text: 'Hello, I am here and looking into it now.' });
      if (written.ok) this.#report.written++;
      else this.#report.errors.add(`message: ${written.error.code}`);
      await sleep(thinkMs);
      const closed = await this.#ask(socket, 'close', { conversationId });
      if (closed.ok) this.#report.closed++;
      else this.#report.errors.add(`close: ${closed.error.code}`);
    } catch (error) {
      this.#report.errors.add((error as Error).message);
    } finally {
      // Keep a failed accept marked a little while, so the same stale queue does not send us at it again.
      setTimeout(() => {
        this.#held.delete(conversationId);
        this.#serve();
      }, 200);
    }
  }

  async #ask(socket: Socket, event: string, payload: object): Promise<Ack> {
    try {
      return (await socket.timeout(10_000).emitWithAck(event, payload)) as Ack;
    } catch {
      return { ok: false, error: { code: 'timeout', message: `${event} was not acknowledged in 10 s` } };
    }
  }

  report(): AgentReport {
    return this.#report;
  }

  close(): void {
    this.#stopped = true;
    for (const socket of this.#consoles) socket.disconnect();
  }
}
