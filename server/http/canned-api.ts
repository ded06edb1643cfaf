// `/api/canned`: the canned replies agents insert from the console. Any signed-in agent reads them; admins
// write them. Bearer token as for /api/quality; bodies are parsed with zod and refused with a clear 400.
import express, { type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { CannedReplyInput, describeIssues, type AgentIdentity } from '../../shared/protocol.ts';
import { CANNED_VARIABLES, unknownVariables } from '../../shared/canned-replies.ts';
import type { AgentAccounts } from '../auth/agent-accounts.ts';
import { CannedReplies } from '../store/canned-replies.ts';
import type { Store } from '../store/store.ts';

export interface CannedApiOptions {
  accounts: AgentAccounts;
  store: Store;
  log: Logger;
  /** ISO timestamp of now (tests pass their clock) */
  now?: () => string;
}

const VARIABLE_LIST = Object.keys(CANNED_VARIABLES)
  .map((name) => `{${name}}`)
  .join(', ');

export function cannedApi(options: CannedApiOptions): express.Router {
  const { accounts, log } = options;
  const replies = new CannedReplies(options.store.db);
  const now = options.now ?? (() => new Date().toISOString());
  const router = express.Router();

  async function signedIn(req: Request, res: Response): Promise<AgentIdentity | null> {
    const header = req.get('authorization');
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : '';
    const agent = token ? await accounts.authenticate(token) : null;
    if (!agent) res.status(401).json({ error: { code: 'unauthorized', message: 'Sign in first.' } });
    return agent;
  }

  async function admin(req: Request, res: Response): Promise<AgentIdentity | null> {
    const agent = await signedIn(req, res);
    if (agent && agent.role !== 'admin') {
      res.status(403).json({ error: { code: 'forbidden', message: 'Only an admin may change the canned replies.' } });
      return null;
    }
    return agent;
  }

  /** The body as a reply's title and text, or null after answering 400. */
  function parsed(req: Request, res: Response): { title: string; text: string } | null {
    const body = CannedReplyInput.safeParse(req.body ?? {});
    if (!body.success) {
      res.status(400).json({ error: { code: 'invalid_payload', message: describeIssues(body.error) } });
      return null;
    }
    // A misspelt variable would reach customers as "{custmer.name}": refuse it while an admin is looking.
    const unknown = unknownVariables(body.data.text);
    if (unknown.length) {
      const names = unknown.map((name) => `{${name}}`).join(', ');
      res.status(400).json({ error: { code: 'invalid_payload', message: `text: unknown variable ${names}; the variables are ${VARIABLE_LIST}` } });
      return null;
    }
    return body.data;
  }

  const idOf = (req: Request) => String(req.params.id ?? '').slice(0, 100);

  router.get('/', async (req, res) => {
    if (!(await signedIn(req, res))) return;
    res.json({ replies: await replies.list() });
  });

  router.post('/', async (req, res) => {
    const agent = await admin(req, res);
    if (!agent) return;
    const input = parsed(req, res);
    if (!input) return;
    const reply = await replies.create(input, agent.name, now());
    log.info({ agentId: agent.id, cannedReplyId: reply.id }, 'canned reply created');
    res.status(201).json({ reply });
  });

  router.put('/:id', async (req, res) => {
    const agent = await admin(req, res);
    if (!agent) return;
    const input = parsed(req, res);
    if (!input) return;
    const reply = await replies.update(idOf(req), input, now());
    if (!reply) {
      res.status(404).json({ error: { code: 'not_found', message: 'No such canned reply.' } });
      return;
    }
    log.info({ agentId: agent.id, cannedReplyId: reply.id }, 'canned reply changed');
    res.json({ reply });
  });

  router.delete('/:id', async (req, res) => {
    const agent = await admin(req, res);
    if (!agent) return;
    if (!(await replies.delete(idOf(req)))) {
      res.status(404).json({ error: { code: 'not_found', message: 'No such canned reply.' } });
      return;
    }
    log.info({ agentId: agent.id, cannedReplyId: idOf(req) }, 'canned reply deleted');
    res.status(204).end();
  });

  return router;
}
