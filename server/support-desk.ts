// The application layer: runs the pure conversation core against the store, asks the responder, and tells
// listeners (the Socket.IO adapter, metrics) what changed. It knows nothing of sockets or HTTP.
import { randomUUID } from 'node:crypto';
import type { AssignedPayload, InteractionType, Message, Note, QueueItem, ShopIdentity, TriageView } from '../shared/protocol.ts';
import { isoNow, type Clock } from './core/clock.ts';
import {
  addNote,
  agentSays,
  aiSays,
  assign,
  close,
  customerSays,
  DomainError,
  evolveAll,
  handOffUnread,
  mayResume,
  noteAssistant,
  open,
  openedIdentity,
  requeue,
  rate,
  recordTriage,
  requestHandoff,
  transfer,
  type Closer,
  type Conversation,
  type ConversationEvent,
  type CoreContext,
  type HandoffTrigger,
  type NoteRecord,
  type TransferTarget,
} from './core/conversation.ts';
import { handoffNote } from './core/triage/customer-notes.ts';
import { DEFAULT_AI_LANGUAGES, languageView, unreadLanguage } from './core/triage/language.ts';
import { decisionRecord, type Decision, type Triage, type Turn } from './core/triage/triage.ts';
import { emptyMemory } from './core/assistant-memory.ts';
import { joinsControlGroup } from './core/quality/control-group.ts';
import { briefText, handoffBrief, transferView } from './core/handoff-summary.ts';
import { positionIn, queueOrder } from './core/queue.ts';
import { hashToken, newToken } from './auth/tokens.ts';
import { addressIn, daysIn, emailsIn, isNo, isYes, orderNumbersIn } from './responder/intents.ts';
import { asksForPerson } from './core/triage/person-request.ts';
import type { Responder } from './responder/responder.ts';
import { CapacityError, ConcurrencyError, DuplicateClientIdError, type AppendGuard, type Store } from './store/store.ts';

/** Claims held in this process: a key is free when never taken or when its time ran out. */
function localClaims(now: () => number): (key: string, ttlMs: number) => Promise<boolean> {
  const until = new Map<string, number>();
  let swept = 0;
  return async (key, ttlMs) => {
    const t = now();
    if ((until.get(key) ?? 0) > t) return false;
    // Forget expired claims now and then, not on every call (hundreds of messages a second).
    if (t - swept > ttlMs) {
      for (const [k, u] of until) if (u <= t) until.delete(k);
      swept = t;
    }
    until.set(key, t + ttlMs);
    return true;
  };
}

/** What the desk tells the outside world. Every method is optional. */
export interface DeskListener {
  /** New messages were stored in a conversation (in seq order). */
  messages?(conversation: Conversation, messages: readonly Message[]): void;
  /** An internal note was stored: for the agents holding the conversation only, never the customer. */
  noted?(conversation: Conversation, note: Note): void;
  /** The conversation moved to another lifecycle state or to another agent, or was rated. */
  changed?(before: Conversation, after: Conversation): void;
  /** The queue's content or order changed. */
  queueChanged?(): void;
  /** The AI started or stopped composing a reply. */
  aiTyping?(conversationId: string, active: boolean): void;
  /** Text of an AI reply still being composed; the stored message with the same id completes it. */
  aiDelta?(conversationId: string, messageId: string, delta: string): void;
  /** A customer asked for a person, by button, in words, or through the responder. */
  handoff?(conversation: Conversation, trigger: HandoffTrigger): void;
  /** A background task (an AI answer) failed. */
  error?(error: unknown, context: string): void;
}

export interface AgentRef {
  id: string;
  name: string;
}

export interface SupportDeskOptions {
  store: Store;
  responder: Responder;
  clock: Clock;
  /** Judges every customer turn: who takes the conversation now, how urgently, and why. */
  triage: Triage;
  /**
   * The languages the assistant and triage serve (primary subtags, TANDEM_AI_LANGUAGES; default English): a
   * conversation in another goes to a person at its first customer message, and the AI never answers it.
   */
  aiLanguages?: readonly string[];
  newId?: () => string;
  /** The control group (docs/QUALITY.md): the share of the AI's chats served by people, and the draw. */
  controlGroup?: { share: number; random: () => number };
  /**
   * Take a key for this node unless a live node holds it (several nodes: server/cluster/cluster.ts); so one
   * node answers each customer message. Default: this process only.
   */
  claim?: (key: string, ttlMs: number) => Promise<boolean>;
}

/** How long a node's claim to answer a message lasts: longer than any answer (the LLM's timeout is 45 s). */
const ANSWER_CLAIM_MS = 120_000;

const MAX_RETRIES = 8;

/**
 * Whether the message answers the assistant's own question ("LP-20002 and ben@example.com", a yes to "shall
 * I…?"). Such an answer is judged by the risks in it, not by what a classifier guesses from so few words: it
 * stays with the AI unless `stillForPeople`, and it does not change the conversation's type.
 */
export function isAnswerToAssistant(c: Conversation, text: string): boolean {
  const memory = c.assistant;
  if (!memory) return false;
  if ((memory.pending || memory.offeredPerson) && (isYes(text) || isNo(text))) return true;
  // Waiting for a slot, only what fills one is an answer ("no, that doesn't help at all" is not).
  if (!memory.flow?.awaiting) return false;
  return orderNumbersIn(text).length > 0 || emailsIn(text).length > 0 || daysIn(text) !== null || addressIn(text) !== null;
}

/** An answer that must still go to people: likely fraud, distress, or a person asked for in words. */
function stillForPeople(text: string, decision: Decision): boolean {
  // The person-request model misfires on terse answers ("LP-20002"); in an answer only explicit words count,
  // and a yes to "shall I…?" is not a request for a person.
  return decision.signals.types.fraud_security >= 0.5 || decision.distress === 2 || (!isYes(text) && !isNo(text) && asksForPerson(text));
}

/** The agent's view of a conversation's triage. */
export function triageView(c: Conversation): TriageView | undefined {
  if (!c.triage) return undefined;
  const view: TriageView = {
    // Why it came to people: triage's reasons, or the trigger's (the customer took the AI's offer of a person).
    reasons: c.triage.handoffReasons ?? (c.state !== 'ai' && c.handoffReason ? [c.handoffReason] : c.triage.latest.reasons),
    distress: c.triage.latest.distress,
    sentiments: c.triage.sentiments,
    confidence: c.triage.latest.confidence,
  };
  if (c.triage.latest.language) view.unreadLanguage = languageView(c.triage.latest.language);
  return view;
}

/** A stored note as agents receive it. */
function noteOf(conversationId: string, at: string, note: NoteRecord): Note {
  return { ...note, conversationId, at };
}

export class SupportDesk {
  readonly #store: Store;
  readonly #responder: Responder;
  readonly #ctx: CoreContext;
  readonly #triage: Triage;
  readonly #languages: readonly string[];
  readonly #control: { share: number; random: () => number } | undefined;
  readonly #claim: (key: string, ttlMs: number) => Promise<boolean>;
  readonly #listeners: DeskListener[] = [];
  /** AI answers still being composed, so shutdown and tests can wait for them. */
  readonly #pending = new Set<Promise<void>>();
  /** The answer in progress per conversation: answers to one conversation are composed one after another. */
  readonly #answering = new Map<string, Promise<void>>();
  /** The message being stored per conversation: a customer's messages are stored one after another. */
  readonly #storing = new Map<string, Promise<void>>();

  constructor(options: SupportDeskOptions) {
    this.#store = options.store;
    this.#responder = options.responder;
    this.#ctx = { clock: options.clock, newId: options.newId ?? randomUUID };
    this.#triage = options.triage;
    this.#languages = options.aiLanguages ?? DEFAULT_AI_LANGUAGES;
    this.#control = options.controlGroup;
    this.#claim = options.claim ?? localClaims(() => this.#ctx.clock.now());
  }

  listen(listener: DeskListener): void {
    this.#listeners.push(listener);
  }

  #emit<K extends keyof DeskListener>(name: K, ...args: Parameters<NonNullable<DeskListener[K]>>): void {
    for (const listener of this.#listeners) {
      try {
        (listener[name] as ((...a: typeof args) => void) | undefined)?.(...args);
      } catch (error) {
        if (name !== 'error') this.#emit('error', error, `listener ${name}`);
      }
    }
  }

  /**
   * Decide against the latest stored version and append; on a concurrent write, read and decide again.
   * Returns the conversation after the events and the messages they stored.
   */
  async #run(
    conversationId: string,
    decide: (c: Conversation) => ConversationEvent[],
    guard?: AppendGuard,
    /** the conversation as the caller just stored or read it: tried first, read again only if it is stale */
    known?: Conversation,
  ): Promise<{ before: Conversation; after: Conversation; messages: Message[] }> {
    for (let attempt = 0; ; attempt++) {
      const before = attempt === 0 && known ? known : await this.#store.findConversation(conversationId);
      if (!before) throw new DomainError('not_found', 'No such conversation.');
      const events = decide(before);
      if (events.length === 0) return { before, after: before, messages: [] };
      const after = evolveAll(before, events);
      try {
        const messages = await this.#store.append(before, after, events, guard);
        if (messages.length) this.#emit('messages', after, messages);
        for (const e of events) if (e.type === 'noted') this.#emit('noted', after, noteOf(after.id, e.at, e.note));
        if (before.state !== after.state || before.rating !== after.rating || before.agentId !== after.agentId) this.#emit('changed', before, after);
        return { before, after, messages };
      } catch (error) {
        if (error instanceof ConcurrencyError && attempt < MAX_RETRIES) continue;
        throw error;
      }
    }
  }

  /**
   * Start a new conversation with the AI, for the signed-in shop user `identity` when given, in the customer's
   * `language` (their widget's tag; absent: English); returns its customer token (shown once, stored hashed).
   */
  async openConversation(visitor?: string, identity?: ShopIdentity, language?: string): Promise<{ conversation: Conversation; token: string }> {
    const token = newToken();
    const { conversation, events } = open(this.#ctx, this.#ctx.newId(), identity, language);
    const opened = evolveAll(conversation, events);
    // The widget's visitor id, hashed: it tells a returning customer (recontact) without keeping the id itself.
    await this.#store.createConversation(opened, hashToken(token), events, visitor ? hashToken(`visitor:${visitor}`) : null);
    return { conversation: opened, token };
  }

  /**
   * The conversation a customer token opens, or null; null too when it was opened for a signed-in shop user
   * and `identity` (verified, of this handshake) is not that user.
   */
  async resume(token: string, identity: ShopIdentity | null = null): Promise<Conversation | null> {
    const conversation = await this.#store.findConversationByToken(hashToken(token));
    if (!conversation) return null;
    return mayResume(await this.identity(conversation.id), identity) ? conversation : null;
  }

  /** The shop identity a conversation was opened with, or null (an anonymous customer). */
  async identity(conversationId: string): Promise<ShopIdentity | null> {
    return openedIdentity(await this.#store.events(conversationId));
  }

  async conversation(conversationId: string): Promise<Conversation | null> {
    return this.#store.findConversation(conversationId);
  }

  /** Messages of a conversation, only those after `afterSeq` when given. */
  async messages(conversationId: string, afterSeq?: number): Promise<Message[]> {
    return this.#store.messages(conversationId, afterSeq);
  }

  /**
   * The customer writes. Stored once per clientId (a resend returns the stored message). While the AI holds
   * the conversation it answers in the background, unless the customer asked for a person.
   */
  async customerMessage(conversationId: string, input: { clientId: string; text: string }): Promise<{ message: Message; duplicate: boolean }> {
    const stored = await this.#inArrivalOrder(conversationId, () => this.#storeOnce(conversationId, input.clientId, (c) => customerSays(c, this.#ctx, input)));
    if (!stored.after) return { message: stored.message, duplicate: true };
    await this.#respondTo(conversationId, stored.message, stored.after);
    return { message: stored.message, duplicate: false };
  }

  /**
   * A stored customer message that nobody answered: the node composing the answer died (several nodes). When
   * the conversation is with the AI and its last message is the customer's, and no live node has claimed the
   * answer, triage and answer it here. Returns false when a live node still holds the claim (ask again later).
   */
  async answerUnanswered(conversationId: string): Promise<boolean> {
    if (this.#answering.has(conversationId) || this.#storing.has(conversationId)) return true;
    const conversation = await this.#store.findConversation(conversationId);
    if (!conversation || conversation.state !== 'ai') return true;
    const last = (await this.#store.messages(conversationId)).at(-1);
    if (!last || last.from !== 'customer') return true;
    if (!(await this.#claimAnswer(last.id))) return false;
    await this.#respondTo(conversationId, last, conversation, true);
    return true;
  }

  /** Claim the answer to a message for this node; a failing claim store must not leave a customer unanswered. */
  async #claimAnswer(messageId: string): Promise<boolean> {
    try {
      return await this.#claim(`answer:${messageId}`, ANSWER_CLAIM_MS);
    } catch (error) {
      this.#emit('error', error, 'claiming an answer');
      return true;
    }
  }

  /** Triage a stored customer message and act on the decision: a person, or the AI's answer in the background. */
  async #respondTo(conversationId: string, message: Message, stored: Conversation, claimed = false): Promise<void> {
    // A language the AI does not read: triage records why, and a person takes it; no model reads the words.
    const unread = unreadLanguage(this.#languages, stored.language);
    if (unread) {
      if (stored.state !== 'ai' && stored.state !== 'queued') return;
      const { before, after } = await this.#run(conversationId, (c) => handOffUnread(c, this.#ctx, message.id, unread), undefined, stored);
      if (before.state === 'ai' && after.state === 'queued') this.#emit('handoff', after, 'language');
      if (after.state === 'queued') this.#emit('queueChanged');
      return;
    }
    const { decision, after, messages } = await this.#triageTurn(conversationId, message, stored);
    if (after.state === 'queued') this.#emit('queueChanged');
    if (after.state === 'ai') {
      if (decision && this.#joinsControlGroup(stored, after, decision)) {
        await this.requestHandoff(conversationId, 'control');
      } else if (decision?.route === 'human') {
        const note = handoffNote(decision);
        if (note) await this.#run(conversationId, (c) => aiSays(c, this.#ctx, note));
        await this.requestHandoff(conversationId, decision.signals.personRequest ? 'customer_request' : 'policy', decision.reasons.join('; '));
      } else {
        // Off-topic turns go to the responder too: it knows whether the AI just asked for this very answer.
        const outOfScope = decision?.outOfScope ?? false;
        // Claimed so that a node taking over after this one died does not answer it a second time.
        if (claimed || (await this.#claimAnswer(message.id))) {
          this.#background(this.#answerInTurn(conversationId, message.text, outOfScope, { conversation: after, messages }), 'ai answer');
        }
      }
    }
  }

  /**
   * Store a conversation's messages in the order they arrived: a widget that comes back online sends what it
   * kept all at once, and concurrent writers retrying on the version check could otherwise swap them.
   */
  #inArrivalOrder<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    const before = this.#storing.get(conversationId) ?? Promise.resolve();
    const result = before.then(work, work);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.#storing.set(conversationId, settled);
    void settled.then(() => {
      if (this.#storing.get(conversationId) === settled) this.#storing.delete(conversationId);
    });
    return result;
  }

  /** Whether the turn that first typed this conversation sends it to the control group. */
  #joinsControlGroup(before: Conversation, after: Conversation, decision: Decision): boolean {
    if (!this.#control || !after.type) return false;
    return joinsControlGroup({
      firstTyped: before.type === null,
      keptByAi: decision.route === 'ai' && !decision.outOfScope,
      aiMode: this.#triage.policy[after.type].ai,
      share: this.#control.share,
      u: this.#control.random(),
    });
  }

  /**
   * Triage the customer's new message with the conversation before it, and keep the decision in the log.
   * The message is already stored: if triage itself fails, the AI answers as before and the error is reported.
   * Returns the messages it read (up to and including this one), so the AI's answer need not read them again.
   */
  async #triageTurn(
    conversationId: string,
    message: Message,
    after: Conversation,
  ): Promise<{ decision: Decision | null; after: Conversation; messages?: Message[] }> {
    if (after.state !== 'ai' && after.state !== 'queued') return { decision: null, after };
    let messages: Message[] | undefined;
    try {
      messages = await this.#store.messages(conversationId);
      const history: Turn[] = messages.filter((m) => m.seq < message.seq).map((m) => ({ from: m.from, text: m.text }));
      let decision = this.#triage.judge(message.text, history);
      const answering = isAnswerToAssistant(after, message.text) && !stillForPeople(message.text, decision);
      if (answering && decision.route === 'human') {
        decision = { ...decision, route: 'ai', reasons: [...decision.reasons, "answers the assistant's question: kept with the AI"] };
      }
      const record = answering ? { ...decisionRecord(decision), answersAssistant: true as const } : decisionRecord(decision);
      const result = await this.#run(conversationId, (c) => recordTriage(c, this.#ctx, message.id, record), undefined, after);
      return { decision, after: result.after, messages };
    } catch (error) {
      this.#emit('error', error, 'triage');
      return messages ? { decision: null, after, messages } : { decision: null, after };
    }
  }

  #background(task: Promise<void>, context: string): void {
    const tracked = task.catch((error: unknown) => this.#emit('error', error, context)).finally(() => this.#pending.delete(tracked));
    this.#pending.add(tracked);
  }

  /** Resolves when every background AI answer has finished. */
  async idle(): Promise<void> {
    while (this.#pending.size) await Promise.all([...this.#pending]);
  }

  /**
   * Answer after any answer still being composed for the same conversation, so each reply sees the memory
   * (verified customer, pending change) the one before it left. `read` is what the caller already read; it is
   * used only when no earlier answer was in progress (otherwise it is stale and is read again).
   */
  #answerInTurn(
    conversationId: string,
    text: string,
    outOfScope: boolean,
    read: { conversation: Conversation; messages: readonly Message[] | undefined },
  ): Promise<void> {
    const before = this.#answering.get(conversationId);
    const task = (before ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => this.#answer(conversationId, text, outOfScope, before ? {} : read));
    this.#answering.set(conversationId, task);
    return task.finally(() => {
      if (this.#answering.get(conversationId) === task) this.#answering.delete(conversationId);
    });
  }

  async #answer(
    conversationId: string,
    text: string,
    outOfScope: boolean,
    read: { conversation?: Conversation; messages?: readonly Message[] | undefined },
  ): Promise<void> {
    const conversation = read.conversation ?? (await this.#store.findConversation(conversationId));
    if (!conversation || conversation.state !== 'ai') return;
    // Never an answer in a language the AI does not read (its handoff is under way or failed: a person answers).
    if (unreadLanguage(this.#languages, conversation.language)) return;
    this.#emit('aiTyping', conversationId, true);
    try {
      const history = read.messages ?? (await this.#store.messages(conversationId));
      // The reply streams under the id its stored message will have, so the widget can complete it in place.
      const id = this.#ctx.newId();
      const reply = await this.#responder.reply(
        { text, history, memory: conversation.assistant ?? emptyMemory(), type: conversation.type, outOfScope },
        (delta) => this.#emit('aiDelta', conversationId, id, delta),
      );
      await this.#run(conversationId, (c) => [...aiSays(c, this.#ctx, reply.text, id), ...noteAssistant(c, this.#ctx, reply.memory)], undefined, conversation);
      if (reply.handoff) await this.requestHandoff(conversationId, reply.handoff, reply.handoffReason);
    } finally {
      this.#emit('aiTyping', conversationId, false);
    }
  }

  /** Send the conversation to the queue for a person. Harmless when it is already there or with one. */
  async requestHandoff(conversationId: string, trigger: HandoffTrigger, reason?: string): Promise<Conversation> {
    const { before, after } = await this.#run(conversationId, (c) =>
      requestHandoff(c, this.#ctx, reason === undefined ? { trigger } : { trigger, reason }),
    );
    if (before.state !== after.state) {
      this.#emit('handoff', after, trigger);
      this.#emit('queueChanged');
    }
    return after;
  }

  /**
   * An agent takes a waiting conversation; exactly one agent wins a race for it. With `capacity`, refused when
   * the agent already holds that many chats, checked in the same transaction as the assignment.
   */
  async accept(
    conversationId: string,
    agent: AgentRef & { skills?: readonly InteractionType[] | null },
    capacity?: number,
  ): Promise<Conversation> {
    try {
      const { after } = await this.#run(conversationId, (c) => assign(c, this.#ctx, agent), capacity === undefined ? undefined : { agentId: agent.id, capacity });
      this.#emit('queueChanged');
      return after;
    } catch (error) {
      if (!(error instanceof CapacityError)) throw error;
      throw new DomainError('invalid_state', `You already have ${error.holding} chats, your capacity. Close one, or raise your capacity, to take another.`);
    }
  }

  /**
   * The holder passes a conversation on: to another agent (with `capacity`, refused when that agent already
   * holds that many, checked in the assignment's transaction like an accept), or back to the queue for a skill
   * group, keeping its place. The caller checks that a target agent is online.
   */
  async transfer(
    conversationId: string,
    from: AgentRef,
    input: { to: TransferTarget; note?: string },
    capacity?: number,
  ): Promise<Conversation> {
    const guard = 'agentId' in input.to && capacity !== undefined ? { agentId: input.to.agentId, capacity } : undefined;
    try {
      const { before, after } = await this.#run(conversationId, (c) => transfer(c, this.#ctx, from, input), guard);
      if (before.state !== after.state) this.#emit('queueChanged');
      return after;
    } catch (error) {
      if (!(error instanceof CapacityError) || !('agentName' in input.to)) throw error;
      throw new DomainError('invalid_state', `${input.to.agentName} is at capacity: they already hold ${error.holding} chats. Choose someone else, or a group.`);
    }
  }

  /** An internal note by the agent holding the conversation; the same clientId twice stores one note. */
  async addNote(conversationId: string, agent: AgentRef, input: { clientId: string; text: string }): Promise<Note> {
    // The events of the last decision are the ones stored (a lost race decides again).
    let decided: ConversationEvent[] = [];
    try {
      await this.#run(conversationId, (c) => (decided = addNote(c, this.#ctx, agent, input)));
      const [noted] = decided;
      if (noted?.type !== 'noted') throw new Error('a note decision made no note');
      return noteOf(conversationId, noted.at, noted.note);
    } catch (error) {
      // A resend, or one refused by the state now (closed since) that was stored before: the stored note.
      if (!(error instanceof DuplicateClientIdError) && !(error instanceof DomainError)) throw error;
      const stored = await this.#store.findNoteByClientId(conversationId, input.clientId);
      if (!stored) throw error;
      return noteOf(conversationId, stored.at, stored.note);
    }
  }

  /** Put an agent's chat back at the front of the queue (they left and did not come back in time). */
  async requeue(conversationId: string, agentId: string, reason: string): Promise<Conversation> {
    const { before, after } = await this.#run(conversationId, (c) => requeue(c, this.#ctx, { agentId, reason }));
    if (before.state !== after.state) this.#emit('queueChanged');
    return after;
  }

  async agentMessage(conversationId: string, agent: AgentRef, input: { clientId: string; text: string }): Promise<Message> {
    return (await this.#storeOnce(conversationId, input.clientId, (c) => agentSays(c, this.#ctx, agent, input))).message;
  }

  /**
   * Store the one message a decision makes, once per clientId: a resend (even one racing the first) returns
   * the stored message and no `after`.
   */
  async #storeOnce(
    conversationId: string,
    clientId: string,
    decide: (c: Conversation) => ConversationEvent[],
  ): Promise<{ message: Message; after?: Conversation }> {
    // No look-up first: the unique index on (conversation, clientId) finds a resend, and most messages are new.
    try {
      const { messages, after } = await this.#run(conversationId, decide);
      return { message: messages[0]!, after };
    } catch (error) {
      // A resend, or one refused by the state now (closed since) that was stored before: the stored message.
      if (!(error instanceof DuplicateClientIdError) && !(error instanceof DomainError)) throw error;
      const stored = await this.#store.findMessageByClientId(conversationId, clientId);
      if (!stored) throw error;
      return { message: stored };
    }
  }

  /** End a conversation (by the customer, or by the agent who holds it). */
  async close(
    conversationId: string,
    input: { by: Closer; agentId?: string; disposition?: string; label?: InteractionType },
  ): Promise<Conversation> {
    const { before, after } = await this.#run(conversationId, (c) => close(c, this.#ctx, input));
    // Leaving the queue changes it; an agent's chat ending frees a slot that a waiting chat can take.
    if ((before.state === 'queued' || before.state === 'agent') && after.state === 'closed') this.#emit('queueChanged');
    return after;
  }

  async rate(conversationId: string, input: { score: number; comment?: string }): Promise<Conversation> {
    const { after } = await this.#run(conversationId, (c) => rate(c, this.#ctx, input));
    return after;
  }

  /** The queue as agents see it, first to be served first; `queued` when the caller has just read it. */
  async queue(queued?: readonly Conversation[]): Promise<QueueItem[]> {
    const ordered = queueOrder(queued ?? (await this.#store.queued()));
    const previews = await this.#store.latestCustomerText(ordered.map((c) => c.id));
    const now = this.#ctx.clock.now();
    return ordered.map((c, index) => ({
      conversationId: c.id,
      type: c.type,
      priority: c.priority,
      waitedSeconds: Math.max(0, Math.round((now - Date.parse(c.queuedAt ?? c.updatedAt)) / 1000)),
      promise: null,
      dueInSeconds: null,
      preview: previews.get(c.id) ?? '',
      position: index + 1,
      ...(c.triage ? { triage: triageView(c) } : {}),
      // Passed to a skill group: the agents see who passed it on, to which group, and why.
      ...(c.transfer?.skill ? { transfer: transferView(c.transfer) } : {}),
    }));
  }

  /** The place of one conversation in the queue, or null when it is not waiting. */
  async position(conversationId: string): Promise<number | null> {
    return positionIn(queueOrder(await this.#store.queued()), conversationId);
  }

  /** What an agent sees on taking a conversation. */
  async assignment(conversationId: string): Promise<AssignedPayload> {
    const conversation = await this.#store.findConversation(conversationId);
    if (!conversation) throw new DomainError('not_found', 'No such conversation.');
    const messages = await this.#store.messages(conversationId);
    const events = await this.#store.events(conversationId);
    const triage = triageView(conversation);
    const brief = handoffBrief({ ...conversation, identity: openedIdentity(events) }, messages);
    const notes = events.flatMap((e) => (e.type === 'noted' ? [noteOf(conversationId, e.at, e.note)] : []));
    return {
      conversationId,
      summary: briefText(brief),
      brief,
      messages,
      notes,
      state: conversation.state,
      type: conversation.type,
      priority: conversation.priority,
      ...(triage ? { triage } : {}),
    };
  }


  /** Open conversations held by an agent. */
  async heldBy(agentId: string): Promise<Conversation[]> {
    return this.#store.heldBy(agentId);
  }

  /** Milliseconds since the epoch, by the desk's clock. */
  clockNow(): number {
    return this.#ctx.clock.now();
  }

  /** ISO timestamp of now, by the desk's clock. */
  now(): string {
    return isoNow(this.#ctx.clock);
  }
}
