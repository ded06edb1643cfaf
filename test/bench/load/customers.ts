// The customers of the load benchmark: real socket.io-client connections to `/customer`, made the way the
// widget makes them (WebSocket only, `auth: { visitor }`, the shop's Origin), opened at a controlled rate,
// then writing to the AI open-loop: messages leave on a schedule (Poisson or evenly spaced) whatever the
// server's answers, each to a customer who has nothing in flight, so a slow server shows up as latency and
// timeouts rather than as a politely lower offered load. Times are performance.now() in this one process.
// BENCH_LOAD_DEBUG=1 prints each timed-out message with what the customer saw and what the server stored.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { Latencies, Tally, sleep, type LatencySummary } from './stats.ts';

/**
 * What customers write to the AI: short routine conversations it keeps and answers with one message per turn
 * (order status, due dates, payments, help articles, thanks), each turn different from the ones before,
 * because triage hands a customer who repeats themself to a person (a loop), and read-only, because the
 * server's demo merchant is not reseeded between customers. Customer i follows script i mod 4, one turn each
 * time it is its turn to write; a customer who has finished writes no more.
 */
export const SCRIPTS: readonly (readonly string[])[] = [
  ['where is my order LP-10001?', 'ana@example.com', 'How do I return an item?', 'I forgot my password', 'thanks, that is all'],
  ['When is my next payment due?', 'LP-20001 ben@example.com', 'how do I freeze my card in the app?', 'how long does a refund take?', 'great, thank you'],
  ['has my order LP-30003 shipped yet? carla@example.com', 'Did my payment go through?', 'how do I activate my Lumen card?', 'can I pay off my whole balance early?', 'ok thanks'],
  ['what is your returns policy?', 'where is my refund?', 'where is my parcel', 'ben@example.com', 'LP-20002'],
];
/** Asking for a person: the conversation goes to the queue, for the simulated agents. */
export const PERSON_TEXT = 'I want to talk to a person';

export interface ConnectOptions {
  url: string;
  /** the Origin header the shop's page would send */
  origin: string;
  count: number;
  /** connections opened per second */
  perSecond: number;
  /** how long one customer may take from opening to its `session` */
  timeoutMs: number;
}

export interface ConnectReport {
  attempted: number;
  /** customers that got their `session` */
  connected: number;
  failed: Tally;
  /** from opening the connection to the `session` event */
  sessionLatency: LatencySummary;
  seconds: number;
}

export interface LoadOptions {
  /** messages per second offered */
  rate: number;
  seconds: number;
  /** the first seconds of the schedule, left out of the figures */
  warmupSeconds: number;
  poisson: boolean;
  /** share of messages that ask for a person */
  personShare: number;
  random: () => number;
  /** an ack or an AI reply later than this counts as a timeout */
  timeoutMs: number;
}

export interface LoadReport {
  offeredPerSecond: number;
  /** completed messages (acked, and answered by the AI when an answer was due) per second of the window */
  achievedPerSecond: number;
  sent: number;
  /** scheduled when no customer was free to write: the generator had no one to send it through */
  skipped: number;
  /** latencies of the measured messages; a timed-out one counts at the timeout */
  ack: LatencySummary;
  reply: LatencySummary;
  /** error codes of refused acks and other failures */
  errors: Tally;
  timeouts: { ack: number; reply: number };
  /** customers whose routine turn went to a person (triage's decision, not theirs), by the turn */
  unaskedHandoffs: Tally;
  /** customers who had written their whole script by the end */
  finished: number;
  /** customers who lost their connection during the run */
  dropped: Tally;
  handoffs: HandoffReport;
  /** how late messages left against their schedule (generator lag) */
  sendLag: LatencySummary;
  windowSeconds: number;
}

export interface HandoffReport {
  asked: number;
  queued: number;
  /** the agent's first message reached the customer */
  served: number;
  closed: number;
  /** from the customer's request to the agent's first message at the customer */
  toAgent: LatencySummary;
}

interface Pending {
  kind: 'ai' | 'person';
  text: string;
  scheduledAt: number;
  sentAt: number;
  ackAt?: number;
  replyAt?: number;
  /** scheduled inside the measured window */
  measured: boolean;
}

interface Customer {
  socket: Socket;
  script: readonly string[];
  /** the next turn of the script to write */
  turn: number;
  connected: boolean;
  state: string;
  pending?: Pending;
  /** out of the writing pool: asked for a person, taken to one, timed out or refused */
  retired: boolean;
  handoff?: { askedAt: number; queuedAt?: number; agentAt?: number; closedAt?: number };
  sent: number;
  seen?: string[];
}

interface ServerMessage {
  from: string;
  seq?: number;
}
type Ack = { ok: true; message?: ServerMessage } | { ok: false; error: { code: string; message: string } };

export class CustomerCrowd {
  readonly #customers: Customer[] = [];
  readonly dropped = new Tally();
  /** set while a load run is going on: callbacks record into it */
  #run: RunState | null = null;

  /** Customers holding a live connection with their session. */
  get connected(): number {
    let n = 0;
    for (const c of this.#customers) if (c.connected) n++;
    return n;
  }

  /** Open `count` customers at `perSecond`, and wait until each has its session or has failed. */
  async connect(options: ConnectOptions): Promise<ConnectReport> {
    const failed = new Tally();
    const latency = new Latencies();
    const started = performance.now();
    const settled: Promise<void>[] = [];
    for (let i = 0; i < options.count; i++) {
      const due = started + (i * 1000) / options.perSecond;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      settled.push(this.#open(options, failed, latency));
    }
    await Promise.all(settled);
    return {
      attempted: options.count,
      connected: options.count - failed.total,
      failed,
      sessionLatency: latency.summary(),
      seconds: (performance.now() - started) / 1000,
    };
  }

  #open(options: ConnectOptions, failed: Tally, latency: Latencies): Promise<void> {
    const openedAt = performance.now();
    const socket = io(`${options.url}/customer`, {
      transports: ['websocket'],
      auth: { visitor: randomBytes(12).toString('base64url') },
      extraHeaders: { origin: options.origin },
      forceNew: true, // one connection per customer, no multiplexing
      reconnection: false, // a dropped customer stays dropped and is counted
      timeout: options.timeoutMs,
    });
    const script = SCRIPTS[this.#customers.length % SCRIPTS.length]!;
    const customer: Customer = { socket, script, turn: 0, connected: false, state: 'connecting', retired: false, sent: 0 };
    this.#customers.push(customer);
    this.#listen(customer);
    return new Promise<void>((done) => {
      const fail = (reason: string) => {
        clearTimeout(timer);
        failed.add(reason);
        customer.retired = true;
        socket.off();
        socket.disconnect();
        done();
      };
      const timer = setTimeout(() => fail('no session in time'), options.timeoutMs);
      socket.once('session', () => {
        clearTimeout(timer);
        latency.add(performance.now() - openedAt);
        customer.connected = true;
        done();
      });
      socket.once('connect_error', (error: Error) => fail(`connect_error: ${error.message}`));
    });
  }

  #listen(customer: Customer): void {
    const { socket } = customer;
    socket.on('session', (session: { state: string }) => {
      customer.state = session.state;
    });
    socket.on('state', (payload: { state: string }) => {
      customer.state = payload.state;
      this.#run?.stateChanged(customer, payload.state);
    });
    socket.on('message', (message: ServerMessage) => this.#run?.message(customer, message));
    socket.on('disconnect', (reason: string) => {
      if (customer.connected) this.dropped.add(reason);
      customer.connected = false;
    });
  }

  /** Send `rate` messages per second for `seconds`, then wait for the answers still due. */
  async load(options: LoadOptions): Promise<LoadReport> {
    const run = new RunState(options, this.#customers);
    const droppedBefore = new Map(this.dropped.counts);
    this.#run = run;
    try {
      const report = await run.go();
      const dropped = new Tally();
      for (const [reason, n] of this.dropped.counts) if (n > (droppedBefore.get(reason) ?? 0)) dropped.add(reason, n - (droppedBefore.get(reason) ?? 0));
      return { ...report, dropped };
    } finally {
      this.#run = null;
    }
  }

  /** Let every customer go. */
  async close(): Promise<void> {
    for (const customer of this.#customers) {
      customer.connected = false;
      customer.socket.off();
      customer.socket.disconnect();
    }
    this.#customers.length = 0;
    await sleep(500);
  }
}

/** One load run: the schedule, what is in flight, and the figures. */
class RunState {
  readonly #options: LoadOptions;
  readonly #customers: Customer[];
  #cursor = 0;
  readonly #inFlight = new Set<Customer>();
  #windowStart = 0;
  #windowEnd = 0;
  #sent = 0;
  #offeredInWindow = 0;
  #completedInWindow = 0;
  #skipped = 0;
  readonly #ack = new Latencies();
  readonly #reply = new Latencies();
  readonly #sendLag = new Latencies();
  readonly #errors = new Tally();
  readonly #timeouts = { ack: 0, reply: 0 };
  readonly #unaskedHandoffs = new Tally();
  readonly #handoffCustomers = new Set<Customer>();
  readonly #toAgent = new Latencies();

  constructor(options: LoadOptions, customers: Customer[]) {
    this.#options = options;
    this.#customers = customers;
  }

  async go(): Promise<Omit<LoadReport, 'dropped'>> {
    const { rate, seconds, warmupSeconds, poisson, random, timeoutMs } = this.#options;
    const gap = () => (poisson ? -Math.log(1 - random()) : 1) * (1000 / rate);
    const start = performance.now();
    this.#windowStart = start + warmupSeconds * 1000;
    this.#windowEnd = start + (warmupSeconds + seconds) * 1000;
    let nextAt = start + gap();
    const watchdog = setInterval(() => this.#expire(timeoutMs), 100);
    try {
      // Open loop: every tick sends what is due by now, however the server is doing.
      while (nextAt < this.#windowEnd) {
        const now = performance.now();
        while (nextAt <= now && nextAt < this.#windowEnd) {
          this.#send(nextAt);
          nextAt += gap();
        }
        await sleep(Math.max(0, Math.min(nextAt - performance.now(), 5)));
      }
      // Wait for what is still due (each item either completes or expires).
      const drainUntil = performance.now() + timeoutMs + 1000;
      while (this.#inFlight.size > 0 && performance.now() < drainUntil) await sleep(50);
      this.#expire(0);
    } finally {
      clearInterval(watchdog);
    }
    const windowSeconds = seconds;
    const handoffs = [...this.#handoffCustomers].map((c) => c.handoff!);
    return {
      offeredPerSecond: this.#offeredInWindow / windowSeconds,
      achievedPerSecond: this.#completedInWindow / windowSeconds,
      sent: this.#sent,
      skipped: this.#skipped,
      ack: this.#ack.summary(),
      reply: this.#reply.summary(),
      errors: this.#errors,
      timeouts: this.#timeouts,
      unaskedHandoffs: this.#unaskedHandoffs,
      finished: this.#customers.filter((c) => c.turn >= c.script.length).length,
      handoffs: {
        asked: handoffs.length,
        queued: handoffs.filter((h) => h.queuedAt !== undefined).length,
        served: handoffs.filter((h) => h.agentAt !== undefined).length,
        closed: handoffs.filter((h) => h.closedAt !== undefined).length,
        toAgent: this.#toAgent.summary(),
      },
      sendLag: this.#sendLag.summary(),
      windowSeconds,
    };
  }

  /** The next customer free to write, round robin; undefined when none is. */
  #nextFree(): Customer | undefined {
    const n = this.#customers.length;
    for (let tried = 0; tried < n; tried++) {
      const c = this.#customers[this.#cursor++ % n]!;
      if (c.connected && !c.retired && !c.pending && c.state === 'ai' && c.turn < c.script.length) return c;
    }
    return undefined;
  }

  #send(scheduledAt: number): void {
    const measured = scheduledAt >= this.#windowStart;
    if (measured) this.#offeredInWindow++;
    const customer = this.#nextFree();
    if (!customer) {
      this.#skipped++;
      return;
    }
    const person = this.#options.random() < this.#options.personShare;
    const text = person ? PERSON_TEXT : customer.script[customer.turn++]!;
    const sentAt = performance.now();
    if (measured) this.#sendLag.add(sentAt - scheduledAt);
    const pending: Pending = { kind: person ? 'person' : 'ai', text, scheduledAt, sentAt, measured };
    customer.pending = pending;
    customer.sent++;
    this.#inFlight.add(customer);
    this.#sent++;
    if (person) {
      customer.retired = true; // writes no more; the agents take it from here
      customer.handoff = { askedAt: sentAt };
      this.#handoffCustomers.add(customer);
    }
    // Unique over the whole benchmark: a clientId seen before in a conversation is deduplicated, not answered.
    customer.socket.emit('message', { clientId: `load-${customer.sent}-${randomBytes(6).toString('base64url')}`, text }, (ack: Ack) => {
      if (customer.pending !== pending) return; // expired meanwhile
      if (!ack.ok) {
        this.#errors.add(ack.error.code);
        this.#finish(customer, false);
        customer.retired = true;
        return;
      }
      pending.ackAt = performance.now();
      this.#maybeDone(customer);
    });
  }

  message(customer: Customer, message: ServerMessage): void {
    if (process.env.BENCH_LOAD_DEBUG) (customer.seen ??= []).push(`${message.from}:${(message as { text?: string }).text?.slice(0, 40)}`);
    const pending = customer.pending;
    if (message.from === 'ai' && pending?.kind === 'ai' && pending.replyAt === undefined) {
      pending.replyAt = performance.now();
      this.#maybeDone(customer);
    }
    if (message.from === 'agent' && customer.handoff && customer.handoff.agentAt === undefined) {
      customer.handoff.agentAt = performance.now();
      this.#toAgent.add(customer.handoff.agentAt - customer.handoff.askedAt);
    }
  }

  stateChanged(customer: Customer, state: string): void {
    if (customer.handoff) {
      if (state === 'queued') customer.handoff.queuedAt ??= performance.now();
      if (state === 'closed') customer.handoff.closedAt ??= performance.now();
      return;
    }
    if (state !== 'ai' && !customer.retired) {
      // Triage sent a routine turn to a person: no AI answer will come. Not a server failure.
      this.#unaskedHandoffs.add(customer.script[customer.turn - 1] ?? '?');
      customer.retired = true;
      if (customer.pending?.kind === 'ai' && customer.pending.replyAt === undefined) this.#finish(customer, false);
    }
  }

  #maybeDone(customer: Customer): void {
    const p = customer.pending!;
    if (p.ackAt === undefined) return;
    if (p.kind === 'ai' && p.replyAt === undefined) return;
    this.#finish(customer, true);
  }

  #finish(customer: Customer, completed: boolean): void {
    const p = customer.pending;
    if (!p) return;
    customer.pending = undefined;
    this.#inFlight.delete(customer);
    if (!completed) return;
    const doneAt = Math.max(p.ackAt!, p.replyAt ?? 0);
    if (doneAt >= this.#windowStart && doneAt <= this.#windowEnd) this.#completedInWindow++;
    if (!p.measured) return;
    this.#ack.add(p.ackAt! - p.sentAt);
    if (p.replyAt !== undefined) this.#reply.add(p.replyAt - p.sentAt);
  }

  /** Count and drop what waited longer than `timeoutMs` (everything, with 0). */
  #expire(timeoutMs: number): void {
    const now = performance.now();
    for (const customer of [...this.#inFlight]) {
      const p = customer.pending!;
      if (now - p.sentAt < timeoutMs) continue;
      if (p.ackAt === undefined) this.#timeouts.ack++;
      else this.#timeouts.reply++;
      if (p.measured) {
        // A timed-out message counts in the percentiles at the timeout (a lower bound), so a backlog cannot hide
        // its slowest messages by leaving them out.
        if (p.ackAt === undefined) this.#ack.add(timeoutMs || this.#options.timeoutMs);
        if (p.kind === 'ai') this.#reply.add(timeoutMs || this.#options.timeoutMs);
      }
      if (process.env.BENCH_LOAD_DEBUG) {
        process.stderr.write(`timeout: turn ${customer.turn} "${p.text}" state ${customer.state} acked ${p.ackAt !== undefined} replied ${p.replyAt !== undefined} seen ${JSON.stringify(customer.seen ?? [])}\n`);
        customer.socket.emit('sync', { after: 0 }, (r: { messages?: { from: string; seq: number; text: string }[] }) =>
          process.stderr.write(`  stored: ${JSON.stringify(r.messages?.map((m) => `${m.seq} ${m.from}: ${m.text.slice(0, 30)}`) ?? r)}\n`),
        );
      }
      customer.retired = true; // a late answer must not be taken for the next message's
      this.#finish(customer, false);
    }
  }
}
