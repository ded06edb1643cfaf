// A fake OpenAI-compatible Chat Completions server for tests and benchmarks: a real HTTP server on
// 127.0.0.1 (ephemeral port) that answers `POST /v1/chat/completions` from a script of model turns,
// streamed (SSE, `stream: true`) or as one JSON body (`stream: false`), in the shapes
// @ai-sdk/openai-compatible parses. It records every request and when the first token went out.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export interface FakeToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

/** One scripted model turn: what the fake model answers to one request. */
export type FakeTurn =
  /** Stream `text` in chunks of `chunkSize` chars (default 4), `delayMs` between chunks (default 0), `firstTokenDelayMs` before the first (default 0). */
  | { text: string; chunkSize?: number; delayMs?: number; firstTokenDelayMs?: number }
  /** The model calls tools (finish_reason 'tool_calls'), after optional text; each call's arguments JSON is streamed in 2+ pieces. */
  | { toolCalls: FakeToolCall[]; text?: string }
  /** An HTTP error with an OpenAI-shaped body `{ error: { message, type, code } }`. */
  | { error: { status: number; message: string } }
  /** Accept the request and send the headers, then never send a chunk (until the client aborts or the server closes). */
  | { hang: true }
  /** Stream `afterText`, then destroy the socket abruptly (no finish chunk, no [DONE]). */
  | { failMidStream: { afterText: string } };

export interface RecordedRequest {
  // The parsed JSON body (the raw text if it was not JSON; undefined if there was none).
  body: any;
  /** performance.now() when the request had been read completely. */
  receivedAt: number;
  headers: Record<string, string | string[] | undefined>;
}

export interface FakeOpenAI {
  /** 'http://127.0.0.1:PORT/v1' */
  baseURL: string;
  /** Every request received, in order (including ones answered 404 or 400). */
  requests: RecordedRequest[];
  /** Queue turns; each chat-completions request consumes the next one. */
  script(...turns: FakeTurn[]): void;
  /** When the queue is empty, this decides (default: a turn {text:'(fake model: no script)'}). It gets the parsed request body. */
  fallback(fn: (body: any) => FakeTurn): void;
  /**
   * performance.now() just before the first content chunk of each response was written, indexed like
   * `requests` (undefined for responses without text: tool calls only, errors, hangs, 404s).
   */
  firstTokenAt: (number | undefined)[];
  /** Clear the queue, requests, firstTokenAt and the fallback. The arrays are cleared in place. */
  reset(): void;
  /** Close the server and destroy open sockets (including hanging ones). */
  close(): Promise<void>;
}

const NO_SCRIPT: FakeTurn = { text: '(fake model: no script)' };
const defaultFallback = (): FakeTurn => NO_SCRIPT;

/** The OpenAI error `type` and `code` that usually come with an HTTP status. */
function errorShape(status: number): { type: string; code: string | null } {
  switch (status) {
    case 400: return { type: 'invalid_request_error', code: 'invalid_request' };
    case 401: return { type: 'invalid_request_error', code: 'invalid_api_key' };
    case 403: return { type: 'invalid_request_error', code: 'forbidden' };
    case 404: return { type: 'invalid_request_error', code: 'not_found' };
    case 429: return { type: 'requests', code: 'rate_limit_exceeded' };
    default: return status >= 500 ? { type: 'server_error', code: null } : { type: 'invalid_request_error', code: null };
  }
}

function sendError(res: ServerResponse, status: number, message: string): void {
  const body = JSON.stringify({ error: { message, ...errorShape(status), param: null } });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** `text` in pieces of `size` characters (code points, so no surrogate pair is split). */
function chunksOf(text: string, size: number): string[] {
  const chars = Array.from(text);
  const step = Math.max(1, Math.floor(size));
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += step) out.push(chars.slice(i, i + step).join(''));
  return out;
}

/** A JSON string cut into three pieces (at least two), so the client has to reassemble it. */
function splitJson(json: string): string[] {
  if (json.length < 3) return [json.slice(0, 1), json.slice(1)];
  const a = Math.floor(json.length / 3);
  const b = Math.floor((2 * json.length) / 3);
  return [json.slice(0, a), json.slice(a, b), json.slice(b)];
}

/** A rough token count (about 4 characters a token), enough for usage numbers. */
function tokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function promptText(body: any): string {
  const messages: unknown = body?.messages;
  return Array.isArray(messages) ? JSON.stringify(messages) : '';
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const queue: FakeTurn[] = [];
  const requests: RecordedRequest[] = [];
  const firstTokenAt: (number | undefined)[] = [];
  const sockets = new Set<Socket>();
  let decide: (body: any) => FakeTurn = defaultFallback;
  let responses = 0;
  let epoch = 0;

  async function answer(turn: FakeTurn, body: any, index: number, res: ServerResponse): Promise<void> {
    if ('error' in turn) {
      sendError(res, turn.error.status, turn.error.message);
      return;
    }

    // Ends when the response finishes or the connection goes (client abort, socket destroyed, close()).
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    const wait = async (ms: number): Promise<boolean> => {
      if (ms > 0) await sleep(ms, undefined, { signal: gone.signal }).catch(() => undefined);
      return !gone.signal.aborted;
    };
    const epochAtStart = epoch;
    const markFirstToken = (): void => {
      // After a reset() the index belongs to someone else.
      if (epoch === epochAtStart && firstTokenAt[index] === undefined) firstTokenAt[index] = performance.now();
    };

    const stream = body?.stream === true;
    const includeUsage = body?.stream_options?.include_usage === true;
    const model = typeof body?.model === 'string' ? body.model : 'fake-model';
    const n = ++responses;
    const id = `chatcmpl-fake-${n}`;
    const created = Math.floor(Date.now() / 1000);

    if ('hang' in turn) {
      res.writeHead(200, stream
        ? { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' }
        : { 'content-type': 'application/json' });
      res.flushHeaders();
      return; // never another byte: the client aborts or close() destroys the socket
    }

    const text = 'failMidStream' in turn ? turn.failMidStream.afterText : (turn.text ?? '');
    const toolCalls = 'toolCalls' in turn ? turn.toolCalls : [];
    const finishReason = toolCalls.length > 0 ? 'tool_calls' : 'stop';
    const usage = {
      prompt_tokens: tokens(promptText(body)),
      completion_tokens: tokens(text) + toolCalls.reduce((n, call) => n + tokens(call.name + JSON.stringify(call.arguments)), 0),
      total_tokens: 0,
    };
    usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
    const callId = (i: number): string => `call_fake_${n}_${i}`;

    if (!stream) {
      // Only firstTokenDelayMs applies here (as the time to the whole body); chunkSize and delayMs shape streams.
      if ('firstTokenDelayMs' in turn && !(await wait(turn.firstTokenDelayMs ?? 0))) return;
      const message = {
        role: 'assistant',
        content: text.length > 0 ? text : toolCalls.length > 0 ? null : '',
        refusal: null,
        ...(toolCalls.length > 0
          ? { tool_calls: toolCalls.map((call, i) => ({ id: callId(i), type: 'function', function: { name: call.name, arguments: JSON.stringify(call.arguments) } })) }
          : {}),
      };
      const json = JSON.stringify({
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
        usage,
      });
      if (text.length > 0) markFirstToken();
      if ('failMidStream' in turn) {
        res.writeHead(200, { 'content-type': 'application/json' });
        await new Promise<void>((resolve) => res.write(json.slice(0, Math.floor(json.length / 2)), () => resolve()));
        res.socket?.destroy();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
      res.end(json);
      return;
    }

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.flushHeaders();
    const send = (data: unknown): boolean => {
      if (gone.signal.aborted) return false;
      res.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
      return true;
    };
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      system_fingerprint: 'fp_fake',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    });

    // The role comes first, with empty content, as OpenAI sends it; it is not a content chunk.
    if (!send(chunk({ role: 'assistant', content: '' }))) return;

    const textTurn = 'text' in turn && !('toolCalls' in turn) ? turn : undefined;
    const pieces = chunksOf(text, textTurn?.chunkSize ?? 4);
    for (let i = 0; i < pieces.length; i++) {
      if (!(await wait(i === 0 ? (textTurn?.firstTokenDelayMs ?? 0) : (textTurn?.delayMs ?? 0)))) return;
      markFirstToken();
      if (!send(chunk({ content: pieces[i] }))) return;
    }

    if ('failMidStream' in turn) {
      // Let the written chunks reach the client, then cut the connection without a proper end.
      await new Promise<void>((resolve) => res.write('', () => resolve()));
      res.socket?.destroy();
      return;
    }

    for (const [i, call] of toolCalls.entries()) {
      if (!send(chunk({ tool_calls: [{ index: i, id: callId(i), type: 'function', function: { name: call.name, arguments: '' } }] }))) return;
      for (const piece of splitJson(JSON.stringify(call.arguments))) {
        if (!send(chunk({ tool_calls: [{ index: i, function: { arguments: piece } }] }))) return;
      }
    }

    if (!send(chunk({}, finishReason))) return;
    if (includeUsage) send({ id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_fake', choices: [], usage });
    send('[DONE]');
    res.end();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const index = requests.length;
    const headers = { ...req.headers };
    const path = new URL(req.url ?? '/', 'http://fake').pathname.replace(/\/+$/, '');
    let body: any = raw.length > 0 ? raw : undefined;
    let parsed = false;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
        parsed = true;
      } catch {
        // kept as text
      }
    }
    requests.push({ body, receivedAt: performance.now(), headers });
    firstTokenAt.push(undefined);

    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      sendError(res, 404, `Unknown request URL: ${req.method} ${req.url}`);
      return;
    }
    if (!parsed || typeof body !== 'object' || body === null) {
      sendError(res, 400, 'We could not parse the JSON body of your request.');
      return;
    }
    const turn = queue.shift() ?? decide(body);
    await answer(turn, body, index, res);
  }

  const server = createServer({ noDelay: true, keepAlive: true }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, `fake server failed: ${String(error)}`);
      else res.destroy();
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    firstTokenAt,
    script(...turns) {
      queue.push(...turns);
    },
    fallback(fn) {
      decide = fn;
    },
    reset() {
      queue.length = 0;
      requests.length = 0;
      firstTokenAt.length = 0;
      decide = defaultFallback;
      epoch++;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}
