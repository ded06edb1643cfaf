// The live side of routing and wait-time promises: reads the queue and the assignments from the store and the
// agents from presence, asks the pure core (server/core/routing.ts, server/core/waittime/) who takes what and
// what each waiting customer is promised, and feeds the promise model what happens (handoffs, assignments,
// customers leaving, chats ending). The simulator drives the same core on a simulated clock.
import type { AgentSummary, InteractionType, QueueInfo, QueueItem } from '../shared/protocol.ts';
import type { Clock } from './core/clock.ts';
import { DomainError, type Conversation, type TransferTarget } from './core/conversation.ts';
import { dispatch, orderWaiting, waitingChat, type AgentSlots, type WaitTargets } from './core/routing.ts';
import { systemWords } from './core/system-words.ts';
import { WaitPromises, type CurrentPromise, type IssuedPromise, type Outcome } from './core/waittime/wait-promises.ts';
import type { Presence } from './realtime/agent-presence.ts';
import type { Store } from './store/store.ts';
import type { AgentRef, DeskListener, SupportDesk } from './support-desk.ts';

export interface DispatcherOptions {
  store: Store;
  desk: SupportDesk;
  presence: Presence;
  clock: Clock;
  /** Nodes alive now (several nodes: their heartbeats in Redis); an agent's consoles on a dead node are gone. */
  liveNodes?: () => Promise<Set<string>>;
  /** assign waiting chats to the best free agent by themselves (agents may still pick from the queue) */
  autoAssign: boolean;
  /** the share of promises to keep, e.g. 0.9 */
  confidence: number;
  /** each type's wait target now (the policy, which an admin may change): a chat past it is served first in its priority */
  targets?: () => WaitTargets;
  /** how long an agent's chats wait for them to reconnect before going back to the queue, ms */
  graceMs: number;
  onOutcome?: (type: InteractionType | null, outcome: Outcome | 'none') => void;
  onError?: (error: unknown, context: string) => void;
}

/** What the queue looks like now: the agents' list and each waiting customer's words. */
export interface QueueView {
  items: QueueItem[];
  info: Map<string, QueueInfo>;
}

/** How often the leader re-reads presence and the queue on its own. */
const TICK_MS = 2000;

export class Dispatcher {
  readonly promises: WaitPromises;
  readonly #o: DispatcherOptions;
  /** when each held chat was assigned (ms), to learn holding times when it ends */
  readonly #assignedAt = new Map<string, number>();
  /** when a chat came back to the queue from an agent (ms): its new wait counts from then, not from its place */
  readonly #backSince = new Map<string, number>();
  /** what each waiting customer was last told, so a change is announced once */
  readonly #told = new Map<string, QueueInfo>();
  /** each agent's skills as last read from presence (the promise model learns who served what) */
  readonly #skills = new Map<string, InteractionType[] | null>();
  /** each agent's name as last read from presence (an automatic assignment names the agent) */
  readonly #names = new Map<string, string>();
  #graceTimer: NodeJS.Timeout | null = null;
  #deadlineTimer: NodeJS.Timeout | null = null;
  #tickTimer: NodeJS.Timeout | null = null;
  #onDeadline: (() => void) | null = null;
  #onTick: (() => void) | null = null;
  /** Only the leader routes, promises and runs the grace timers (server/cluster/cluster.ts). */
  #leading = false;

  constructor(options: DispatcherOptions) {
    this.#o = options;
    this.promises = new WaitPromises({
      confidence: options.confidence,
      onOutcome: (promise: IssuedPromise, outcome) => {
        if (promise.first && outcome !== 'censored') options.onOutcome?.(promise.type, outcome);
      },
    });
  }

  /** The desk listener that feeds the promise model what happens to conversations. */
  listener(): DeskListener {
    return {
      changed: (before, after) => {
        const now = this.#o.clock.now();
        if (after.state === 'queued' && before.state === 'ai') this.promises.arrived(now, waitingChat(after));
        // Back from an agent (transferred to a group, or its agent left): a new wait for a slot, though the chat
        // keeps its place in the order. The model counts it as an arrival and measures its wait from now.
        if (after.state === 'queued' && before.state === 'agent') {
          this.promises.arrived(now, waitingChat(after));
          this.#backSince.set(after.id, now);
        }
        if (before.state === 'queued' && after.state === 'agent') {
          this.promises.served(now, this.#waitOf(before), after.agentId ? (this.#skills.get(after.agentId) ?? null) : null);
          this.#assignedAt.set(after.id, now);
        }
        if (before.state === 'queued' && after.state === 'closed') this.promises.abandoned(now, this.#waitOf(before));
        if (before.state === 'queued' && after.state !== 'queued') this.#backSince.delete(after.id);
        if (before.state === 'agent' && after.state !== 'agent') {
          const since = this.#assignedAt.get(after.id);
          if (since !== undefined) this.promises.released(after.type, now - since);
          this.#assignedAt.delete(after.id);
        }
        if (after.state !== 'queued') this.#told.delete(after.id);
      },
    };
  }

  /** A waiting chat as the promise model measures its wait: from when it last came to the queue. */
  #waitOf(c: Conversation) {
    const chat = waitingChat(c);
    const since = this.#backSince.get(c.id);
    return since === undefined ? chat : { ...chat, queuedAt: since };
  }

  /** Call `fn` when a standing promise falls due, so the customer and the console hear of it in time. */
  onDeadline(fn: () => void): void {
    this.#onDeadline = fn;
  }

  /** Call `fn` on the leader's every tick, to refresh the queue quietly (only changes need telling). */
  onTick(fn: () => void): void {
    this.#onTick = fn;
  }

  /** Routing's view of the agents: presence plus what each holds now. */
  async #agents(): Promise<AgentSlots[]> {
    const held = new Map<string, (InteractionType | null)[]>();
    for (const c of await this.#o.store.assigned()) if (c.agentId) held.set(c.agentId, [...(held.get(c.agentId) ?? []), c.type]);
    const entries = await this.#o.presence.entries();
    for (const [id, entry] of entries) {
      this.#skills.set(id, entry.skills);
      this.#names.set(id, entry.name);
    }
    return entries.map(([id, entry]) => ({
      id,
      // An agent inside the grace period after disconnecting keeps their chats but takes no new ones.
      status: entry.status === 'online' && entry.connections === 0 ? 'away' : entry.status,
      capacity: entry.capacity,
      skills: entry.skills,
      holding: held.get(id) ?? [],
      idleSince: entry.idleSince,
    }));
  }

  /**
   * Assign what can be assigned (when automatic), then tell every waiting customer their place and promise and
   * give agents the queue with each chat's promise. A race lost to an agent's own click is harmless.
   */
  async refresh(): Promise<QueueView> {
    let conversations = await this.#o.store.queued();
    let agents = await this.#agents();
    if (this.#o.autoAssign) {
      const plan = dispatch(agents, this.#ordered(conversations));
      const byAgent = new Map(agents.map((a) => [a.id, a]));
      for (const { conversationId, agentId } of plan) {
        const name = this.#names.get(agentId);
        if (name === undefined) continue;
        try {
          // The capacity is checked again in the assignment's own transaction: a click on another node may have
          // taken the slot since this plan was made.
          await this.#o.desk.accept(conversationId, { id: agentId, name }, byAgent.get(agentId)?.capacity);
        } catch (error) {
          if (!(error instanceof DomainError)) this.#o.onError?.(error, 'auto-assign');
        }
      }
      if (plan.length) {
        conversations = await this.#o.store.queued();
        agents = await this.#agents();
      }
    }
    const byId = new Map(conversations.map((c) => [c.id, c]));
    const ordered = this.#ordered(conversations);
    const items = await this.#o.desk.queue(conversations);
    const now = this.#o.clock.now();
    // The agents' list in routing's order, which counts the wait targets (the desk's alone does not).
    const place = new Map(ordered.map((chat, index) => [chat.id, index]));
    items.sort((a, b) => (place.get(a.conversationId) ?? Infinity) - (place.get(b.conversationId) ?? Infinity));
    items.forEach((item, index) => (item.position = index + 1));
    const targets = this.#o.targets?.();
    const info = new Map<string, QueueInfo>();
    ordered.forEach((chat, index) => {
      if (!byId.has(chat.id)) return;
      const shown = this.promises.current(now, chat, index, agents);
      const before = this.#told.get(chat.id);
      if (shown.kind === 'none' && (!before || before.promise)) this.#o.onOutcome?.(chat.type, 'none');
      info.set(chat.id, this.#words(chat.id, index + 1, shown, byId.get(chat.id)!.language));
    });
    for (const item of items) {
      const told = info.get(item.conversationId);
      const standing = this.promises.promiseOf(item.conversationId);
      item.promise = told?.promise ?? null;
      item.dueInSeconds = told?.promise && standing ? Math.round((standing.deadline - now) / 1000) : null;
      if (targets && item.type) item.targetSeconds = targets[item.type];
    }
    this.#armDeadline();
    return { items, info };
  }

  /** The queue in routing's order now: priority, chats put back, chats past their wait target, first come. */
  #ordered(conversations: readonly Conversation[]): ReturnType<typeof waitingChat>[] {
    const targets = this.#o.targets?.();
    return orderWaiting(
      conversations.map((c) => waitingChat(c, targets)),
      this.#o.clock.now(),
    );
  }

  /**
   * What a waiting customer is told, in words of their `language` (the conversation's); a notice only the first
   * time a promise got worse.
   */
  #words(conversationId: string, position: number, shown: CurrentPromise, language: string | null): QueueInfo {
    const before = this.#told.get(conversationId);
    const words = systemWords(language);
    const info: QueueInfo = { position, promise: null };
    if (shown.kind === 'promise') {
      info.promise = { seconds: shown.seconds, confidence: shown.confidence, deadline: new Date(shown.deadline).toISOString() };
      if (shown.change === 'revised') info.notice = words.revised(shown.seconds);
      if (shown.change === 'late') info.notice = words.late(shown.seconds);
    } else {
      info.reason = words.noNumber[shown.reason];
      if (before?.promise) info.notice = words.noLongerPromised;
    }
    // A notice is said once; later refreshes carry it on until the promise changes again.
    if (!info.notice && before?.notice && before.promise?.deadline === info.promise?.deadline) info.notice = before.notice;
    this.#told.set(conversationId, info);
    return info;
  }

  #armDeadline(): void {
    if (this.#deadlineTimer) clearTimeout(this.#deadlineTimer);
    this.#deadlineTimer = null;
    const next = this.promises.nextDeadline();
    if (next === undefined || !this.#onDeadline) return;
    const fire = this.#onDeadline;
    this.#deadlineTimer = setTimeout(() => fire(), Math.max(0, next - this.#o.clock.now()) + 50);
    this.#deadlineTimer.unref();
  }

  /** What a waiting customer was last told (for a reconnecting widget). */
  infoFor(conversationId: string): QueueInfo | undefined {
    return this.#told.get(conversationId);
  }

  /**
   * An agent picks a chat from the queue by hand: refused when they are already at capacity. The check runs in
   * the assignment's transaction with the agent's row locked, so two clicks on two nodes cannot both pass it.
   */
  async accept(conversationId: string, agent: AgentRef): Promise<Conversation> {
    const entry = await this.#o.presence.get(agent.id);
    // A chat transferred to a skill group is refused to an agent without that skill (checked by the core).
    return this.#o.desk.accept(conversationId, { ...agent, skills: entry?.skills ?? null }, entry?.capacity);
  }

  /**
   * The holder passes a chat on. To an agent: only one who is online with a console open, and below their
   * capacity (checked in the assignment's transaction, as an accept is); otherwise refused and nothing changes.
   * To a skill group: back to the queue, keeping its place, for agents with that skill.
   */
  async transfer(
    conversationId: string,
    from: AgentRef,
    input: { to: { agentId: string } | { skill: InteractionType }; note?: string },
  ): Promise<Conversation> {
    const note = input.note ? { note: input.note } : {};
    if ('skill' in input.to) return this.#o.desk.transfer(conversationId, from, { to: input.to, ...note });
    const { agentId } = input.to;
    // To oneself: the core refuses it with its own words.
    if (agentId === from.id) return this.#o.desk.transfer(conversationId, from, { to: { agentId, agentName: from.name }, ...note });
    const entry = await this.#o.presence.get(agentId);
    if (!entry) {
      const known = await this.#o.store.findAgent(agentId);
      throw known ? new DomainError('invalid_state', `${known.name} is not signed in: choose someone online, or a group.`) : new DomainError('not_found', 'No such agent.');
    }
    if (entry.status !== 'online') throw new DomainError('invalid_state', `${entry.name} is ${entry.status}: choose someone online, or a group.`);
    if (entry.connections === 0) throw new DomainError('invalid_state', `${entry.name} has lost their connection: choose someone else, or a group.`);
    const to: TransferTarget = { agentId, agentName: entry.name };
    return this.#o.desk.transfer(conversationId, from, { to, ...note }, entry.capacity);
  }

  /** The agents presence knows, for the transfer dialog: status as routing sees it, and the chats they hold. */
  async agents(): Promise<AgentSummary[]> {
    return (await this.#agents())
      .map((a) => ({
        id: a.id,
        name: this.#names.get(a.id) ?? a.id,
        status: a.status,
        capacity: a.capacity,
        active: a.holding.length,
        skills: a.skills ? [...a.skills] : null,
      }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  /** This node leads now: route, promise, and run the grace timers from what presence and the store say. */
  lead(): void {
    if (this.#leading) return;
    this.#leading = true;
    const tick = () => {
      void this.#tick().finally(() => {
        if (!this.#leading) return;
        this.#tickTimer = setTimeout(tick, TICK_MS);
        this.#tickTimer.unref();
      });
    };
    tick();
  }

  /** Another node leads: drop the timers (the model's memory of promises goes with the role). */
  follow(): void {
    this.#leading = false;
    for (const timer of [this.#graceTimer, this.#deadlineTimer, this.#tickTimer]) if (timer) clearTimeout(timer);
    this.#graceTimer = this.#deadlineTimer = this.#tickTimer = null;
    this.#told.clear();
  }

  get leading(): boolean {
    return this.#leading;
  }

  /**
   * The leader's heartbeat: forget consoles of nodes that died (their agents' grace periods start), re-arm the
   * grace timers, and refresh the queue so nothing depends on a bus message that was lost.
   */
  async #tick(): Promise<void> {
    try {
      if (this.#o.liveNodes) await this.#o.presence.prune(await this.#o.liveNodes(), this.#o.clock.now());
      await this.presenceChanged();
      this.#onTick?.();
    } catch (error) {
      this.#o.onError?.(error, 'leader tick');
    }
  }

  /**
   * Someone's presence changed (on any node). An agent whose last console left keeps their chats for the grace
   * period; after it, their chats go back to the front of the queue. The deadlines are data (when they left),
   * so a new leader re-arms them after a node dies.
   */
  async presenceChanged(): Promise<void> {
    if (!this.#leading) return;
    if (this.#graceTimer) clearTimeout(this.#graceTimer);
    this.#graceTimer = null;
    const now = this.#o.clock.now();
    let next = Infinity;
    for (const [agentId, entry] of await this.#o.presence.entries()) {
      if (entry.connections > 0 || entry.leftAt === null) continue;
      const due = entry.leftAt + this.#o.graceMs;
      if (due <= now) await this.#requeueHeld(agentId);
      else next = Math.min(next, due);
    }
    if (next !== Infinity && this.#leading) {
      this.#graceTimer = setTimeout(() => {
        void this.presenceChanged().catch((error: unknown) => this.#o.onError?.(error, 'requeue after grace'));
      }, next - now + 10);
      this.#graceTimer.unref();
    }
  }

  async #requeueHeld(agentId: string): Promise<void> {
    for (const held of await this.#o.store.heldBy(agentId)) await this.#o.desk.requeue(held.id, agentId, 'the agent disconnected and did not come back');
  }

  close(): void {
    this.follow();
  }
}
