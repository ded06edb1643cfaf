// Agent presence shared by every node through Redis. Each change is one Lua script, so two nodes changing the
// same agent at once (a console connecting on A while another disconnects on B) cannot interleave.
// Keys, under the cluster's prefix:
//   agents                  set of agent ids ever seen
//   agent:<id>              hash: name, status, capacity, skills (JSON), idleSince, leftAt ('' while connected)
//   agent:<id>:connections  set of `<nodeId>/<socketId>` of the consoles connected now
import type { Redis } from 'ioredis';
import type { InteractionType, PresenceStatus } from '../../shared/protocol.ts';
import { DEFAULT_CAPACITY, type Presence, type PresenceAgent, type PresenceChange, type PresenceEntry } from '../realtime/agent-presence.ts';

// KEYS: agents, agent hash, connections. ARGV: id, name, connection, now, starting capacity, starting skills JSON.
const CONNECT = `
redis.call('SADD', KEYS[1], ARGV[1])
if redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('HSET', KEYS[2], 'status', 'online', 'capacity', ARGV[5], 'skills', ARGV[6], 'idleSince', ARGV[4], 'leftAt', '')
end
if redis.call('SCARD', KEYS[3]) == 0 and redis.call('HGET', KEYS[2], 'status') == 'offline' then
  redis.call('HSET', KEYS[2], 'status', 'online', 'idleSince', ARGV[4])
end
redis.call('SADD', KEYS[3], ARGV[3])
redis.call('HSET', KEYS[2], 'name', ARGV[2], 'leftAt', '')
return 1`;

// KEYS: agent hash, connections. ARGV: connection, now. Returns 1 when it was the last console.
const DISCONNECT = `
if redis.call('SREM', KEYS[2], ARGV[1]) == 1 and redis.call('SCARD', KEYS[2]) == 0 and redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 'leftAt', ARGV[2])
  return 1
end
return 0`;

// KEYS: agent hash. ARGV: status, now, capacity ('' = unchanged), skills JSON ('' = unchanged).
const SET = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if ARGV[1] == 'online' and redis.call('HGET', KEYS[1], 'status') ~= 'online' then
  redis.call('HSET', KEYS[1], 'idleSince', ARGV[2])
end
redis.call('HSET', KEYS[1], 'status', ARGV[1])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'capacity', ARGV[3]) end
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'skills', ARGV[4]) end
return 1`;

// KEYS: agents, agent hash, connections. ARGV: id, name, status, capacity, skills, idleSince, connections…
const RESTORE = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], 'name', ARGV[2], 'status', ARGV[3], 'capacity', ARGV[4], 'skills', ARGV[5], 'idleSince', ARGV[6], 'leftAt', '')
for i = 7, #ARGV do redis.call('SADD', KEYS[3], ARGV[i]) end
return 1`;

export class RedisPresence implements Presence {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #nodeId: string;

  constructor(redis: Redis, prefix: string, nodeId: string) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#nodeId = nodeId;
  }

  #agents = () => `${this.#prefix}agents`;
  #agent = (id: string) => `${this.#prefix}agent:${id}`;
  #connections = (id: string) => `${this.#prefix}agent:${id}:connections`;
  #member = (connection: string) => `${this.#nodeId}/${connection}`;

  async connect(agent: PresenceAgent, connection: string, now: number): Promise<PresenceEntry> {
    const capacity = String(agent.capacity ?? DEFAULT_CAPACITY);
    const skills = JSON.stringify(agent.skills ?? null);
    await this.#redis.eval(CONNECT, 3, this.#agents(), this.#agent(agent.id), this.#connections(agent.id), agent.id, agent.name, this.#member(connection), String(now), capacity, skills);
    return (await this.get(agent.id))!;
  }

  async disconnect(agentId: string, connection: string, now: number): Promise<boolean> {
    return (await this.#redis.eval(DISCONNECT, 2, this.#agent(agentId), this.#connections(agentId), this.#member(connection), String(now))) === 1;
  }

  async set(agentId: string, status: PresenceStatus, change: PresenceChange, now: number): Promise<PresenceEntry | undefined> {
    const capacity = change.capacity === undefined ? '' : String(change.capacity);
    const skills = change.skills === undefined ? '' : JSON.stringify(change.skills);
    const found = await this.#redis.eval(SET, 1, this.#agent(agentId), status, String(now), capacity, skills);
    return found === 1 ? this.get(agentId) : undefined;
  }

  async get(agentId: string): Promise<PresenceEntry | undefined> {
    const [hash, count] = await Promise.all([this.#redis.hgetall(this.#agent(agentId)), this.#redis.scard(this.#connections(agentId))]);
    return parseEntry(hash, count);
  }

  async entries(): Promise<[string, PresenceEntry][]> {
    const ids = await this.#redis.smembers(this.#agents());
    if (!ids.length) return [];
    const pipeline = this.#redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.#agent(id)).scard(this.#connections(id));
    const results = (await pipeline.exec()) ?? [];
    const entries: [string, PresenceEntry][] = [];
    ids.forEach((id, i) => {
      const [hashError, hash] = results[2 * i] ?? [];
      const [countError, count] = results[2 * i + 1] ?? [];
      if (hashError || countError) throw hashError ?? countError;
      const entry = parseEntry(hash as Record<string, string>, Number(count));
      if (entry) entries.push([id, entry]);
    });
    return entries;
  }

  async restore(agentId: string, last: PresenceEntry, connections: readonly string[]): Promise<void> {
    if (!connections.length) return;
    await this.#redis.eval(
      RESTORE,
      3,
      this.#agents(),
      this.#agent(agentId),
      this.#connections(agentId),
      agentId,
      last.name,
      last.status,
      String(last.capacity),
      JSON.stringify(last.skills),
      String(last.idleSince),
      ...connections.map((c) => this.#member(c)),
    );
  }

  async prune(liveNodes: ReadonlySet<string>, now: number): Promise<string[]> {
    const emptied: string[] = [];
    for (const id of await this.#redis.smembers(this.#agents())) {
      const members = await this.#redis.smembers(this.#connections(id));
      for (const member of members) {
        const node = member.slice(0, member.indexOf('/'));
        if (liveNodes.has(node)) continue;
        // The same script as a disconnect: only the call that removes the last console starts the grace period.
        if ((await this.#redis.eval(DISCONNECT, 2, this.#agent(id), this.#connections(id), member, String(now))) === 1) emptied.push(id);
      }
    }
    return emptied;
  }
}

function parseEntry(hash: Record<string, string>, connections: number): PresenceEntry | undefined {
  if (!hash.status) return undefined;
  let skills: InteractionType[] | null = null;
  try {
    skills = JSON.parse(hash.skills ?? 'null') as InteractionType[] | null;
  } catch {
    skills = null;
  }
  return {
    name: hash.name ?? '',
    connections,
    status: hash.status as PresenceStatus,
    capacity: Number(hash.capacity) || DEFAULT_CAPACITY,
    skills,
    idleSince: Number(hash.idleSince) || 0,
    leftAt: hash.leftAt ? Number(hash.leftAt) : null,
  };
}
