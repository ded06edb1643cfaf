// The admin API (docs/PROTOCOL.md "Admin"): agents (list, invite with a one-time link, role, skills, capacity,
// a fresh link, remove) and the per-type policy (AI mode, priority, wait target), for admins only; and the
// invitee's side, `POST /api/auth/invite`, which sets their password from the link and signs them in.
import express, { type Request, type Response } from 'express';
import type { Logger } from 'pino';
import {
  AgentChangeInput,
  AgentInviteInput,
  describeIssues,
  InteractionTypeParam,
  InviteAcceptInput,
  PolicyEditInput,
  type AgentIdentity,
  type InviteResponse,
  type PresenceStatus,
} from '../../shared/protocol.ts';
import { adminView, type AgentAccounts, type Invite, type PresenceLimitsChange } from '../auth/agent-accounts.ts';
import type { QualityService } from '../quality/quality-service.ts';
import type { Limits } from '../security/rate-limits.ts';
import { LastAdminError, type AgentRecord } from '../store/store.ts';

/** What the admin API needs from the live side (presence and the consoles), wired in server/app.ts. */
export interface AdminHooks {
  /** the presence of each agent with a console connected now */
  presence(): Promise<Map<string, PresenceStatus>>;
  /** an admin changed this agent: their presence takes the capacity and skills changed, their consoles hear `me` */
  agentChanged(agent: AgentRecord, change: PresenceLimitsChange): Promise<void>;
  /** an admin removed this agent: their consoles are disconnected (their chats go back after the grace period) */
  agentRemoved(agentId: string): Promise<void>;
}

export interface AdminApiOptions {
  accounts: AgentAccounts;
  quality: QualityService;
  limits: Limits;
  log: Logger;
  hooks?: AdminHooks | undefined;
}

function bearer(req: Request): string | undefined {
  const header = req.get('authorization');
  return header?.startsWith('Bearer ') ? header.slice(7).trim() || undefined : undefined;
}

function refuse(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}

const invalid = (res: Response, message: string) => refuse(res, 400, 'invalid_payload', message);

/** The routes, to mount inside the /api router (they answer /admin/*, /quality/policy/:type and /auth/invite). */
export function adminApi(options: AdminApiOptions): express.Router {
  const { accounts, quality, limits, log, hooks } = options;
  const router = express.Router();

  /** The signed-in admin, or null once a 401 or 403 has been sent. */
  const admin = async (req: Request, res: Response, doing: string): Promise<AgentIdentity | null> => {
    const token = bearer(req);
    const agent = token ? await accounts.authenticate(token) : null;
    if (!agent) {
      refuse(res, 401, 'unauthorized', 'Sign in first.');
      return null;
    }
    if (agent.role !== 'admin') {
      refuse(res, 403, 'forbidden', `Only an admin may ${doing}.`);
      return null;
    }
    return agent;
  };

  const statuses = async () => (hooks ? await hooks.presence() : new Map<string, PresenceStatus>());
  const inviteResponse = (req: Request, invite: Invite): InviteResponse => ({
    agent: adminView(invite.agent),
    // In the fragment, so the token never reaches a server log or a Referer header.
    inviteUrl: `${req.protocol}://${req.get('host') ?? 'localhost'}/console/#invite=${invite.token}`,
    expiresAt: invite.expiresAt,
  });
  const changed = async (agent: AgentRecord, change: PresenceLimitsChange) => {
    await hooks
      ?.agentChanged(agent, change)
      .catch((error: unknown) => log.error({ err: error, agentId: agent.id }, 'telling consoles of an agent change failed'));
  };

  router.get('/admin/agents', async (req, res) => {
    if (!(await admin(req, res, 'list agents'))) return;
    const [agents, status] = await Promise.all([accounts.list(), statuses()]);
    res.json({ agents: agents.map((a) => adminView(a, status.get(a.id))) });
  });

  router.post('/admin/agents', async (req, res) => {
    const by = await admin(req, res, 'invite agents');
    if (!by) return;
    const body = AgentInviteInput.safeParse(req.body ?? {});
    if (!body.success) return invalid(res, describeIssues(body.error));
    const invite = await accounts.invite(body.data);
    if (!invite) return refuse(res, 409, 'conflict', `An agent with the email ${body.data.email} exists already.`);
    log.info({ agentId: invite.agent.id, role: invite.agent.role, by: by.id }, 'agent invited');
    res.status(201).json(inviteResponse(req, invite));
  });

  router.patch('/admin/agents/:id', async (req, res) => {
    const by = await admin(req, res, 'change agents');
    if (!by) return;
    const body = AgentChangeInput.safeParse(req.body ?? {});
    if (!body.success) return invalid(res, describeIssues(body.error));
    const change = Object.fromEntries(Object.entries(body.data).filter(([, v]) => v !== undefined));
    let agent: AgentRecord | null;
    try {
      agent = await accounts.update(String(req.params.id), change);
    } catch (error) {
      if (error instanceof LastAdminError) return refuse(res, 409, 'last_admin', error.message);
      throw error;
    }
    if (!agent) return refuse(res, 404, 'not_found', 'No such agent.');
    log.info({ agentId: agent.id, change: Object.keys(change), by: by.id }, 'agent changed');
    const limits: PresenceLimitsChange = {};
    // A limit lifted (null) leaves the console's capacity where it is; a limit set moves it there.
    if (change.capacity !== undefined && agent.capacity !== null) limits.capacity = agent.capacity;
    if (change.skills !== undefined) limits.skills = agent.skills;
    await changed(agent, limits);
    res.json({ agent: adminView(agent, (await statuses()).get(agent.id)) });
  });

  router.post('/admin/agents/:id/invite', async (req, res) => {
    const by = await admin(req, res, 'invite agents');
    if (!by) return;
    const invite = await accounts.renewInvite(String(req.params.id));
    if (!invite) {
      const exists = await accounts.record(String(req.params.id));
      if (!exists) return refuse(res, 404, 'not_found', 'No such agent.');
      return refuse(res, 409, 'conflict', `${exists.name} has set a password already: they sign in with it.`);
    }
    log.info({ agentId: invite.agent.id, by: by.id }, 'agent invite renewed');
    res.json(inviteResponse(req, invite));
  });

  router.delete('/admin/agents/:id', async (req, res) => {
    const by = await admin(req, res, 'remove agents');
    if (!by) return;
    const id = String(req.params.id);
    if (id === by.id) return refuse(res, 409, 'conflict', 'You cannot remove yourself: ask another admin.');
    let removed: boolean;
    try {
      removed = await accounts.remove(id);
    } catch (error) {
      if (error instanceof LastAdminError) return refuse(res, 409, 'last_admin', error.message);
      throw error;
    }
    if (!removed) return refuse(res, 404, 'not_found', 'No such agent.');
    log.info({ agentId: id, by: by.id }, 'agent removed');
    await hooks?.agentRemoved(id).catch((error: unknown) => log.error({ err: error, agentId: id }, 'disconnecting a removed agent failed'));
    res.status(204).end();
  });

  router.get('/admin/policy', async (req, res) => {
    if (!(await admin(req, res, 'see the policy settings'))) return;
    res.json({ policy: quality.policy(), targets: quality.targets() });
  });

  // The AI mode ({ ai }, as before), the priority and the wait target, any of them, in one request.
  router.post('/quality/policy/:type', async (req, res) => {
    const by = await admin(req, res, 'change how a type is handled');
    if (!by) return;
    const type = InteractionTypeParam.safeParse(req.params.type);
    if (!type.success) return invalid(res, `unknown interaction type "${String(req.params.type)}"`);
    const body = PolicyEditInput.safeParse(req.body ?? {});
    if (!body.success) return invalid(res, describeIssues(body.error));
    const { ai, priority, targetSeconds } = body.data;
    try {
      // Checked before anything is stored, so a refused part changes nothing.
      if (type.data === 'fraud_security' && ai !== undefined && ai !== 'off') throw new RangeError('fraud_security always goes to a person at once; its AI stays off');
      if (type.data === 'fraud_security' && priority !== undefined && priority !== 'urgent') throw new RangeError('fraud_security always goes to a person at once; its priority stays urgent');
      if (ai !== undefined) await quality.setMode(type.data, ai, by);
      if (priority !== undefined || targetSeconds !== undefined) {
        await quality.setTargets(type.data, { ...(priority ? { priority } : {}), ...(targetSeconds ? { targetSeconds } : {}) }, by);
      }
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      return invalid(res, error.message);
    }
    log.info({ type: type.data, ai, priority, targetSeconds, agentId: by.id }, 'policy changed');
    res.json({ policy: quality.policy(), targets: quality.targets() });
  });

  // The invitee, from the link: counted against the same per-address budget as sign-ins.
  router.post('/auth/invite', async (req, res) => {
    const ip = req.ip ?? '';
    const fromIp = await limits.loginFrom(ip);
    if (!fromIp.ok) {
      log.warn({ ip }, 'invite acceptances over the limit');
      res.status(429).set('Retry-After', String(fromIp.retryAfterSeconds));
      return refuse(res, 429, 'rate_limited', `Too many attempts from your network. Try again in ${fromIp.retryAfterSeconds} s.`);
    }
    const body = InviteAcceptInput.safeParse(req.body ?? {});
    if (!body.success) return invalid(res, describeIssues(body.error));
    const session = await accounts.acceptInvite(body.data.token, body.data.password);
    if (!session) {
      log.warn({ ip }, 'invite link refused');
      return refuse(res, 401, 'unauthorized', 'This invite link is not valid: it was used already, has expired, or was replaced. Ask an admin for a new one.');
    }
    log.info({ agentId: session.agent.id }, 'invite accepted; agent signed in');
    res.json(session);
  });

  return router;
}
