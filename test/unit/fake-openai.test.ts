// The fake OpenAI-compatible server, driven by the real AI SDK (`ai` + @ai-sdk/openai-compatible) over real HTTP.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { APICallError, generateText, stepCountIs, streamText, tool } from 'ai';
import type { StreamTextResult, TextStreamPart, ToolSet } from 'ai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { z } from 'zod';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.ts';

let fake: FakeOpenAI;
let model: ReturnType<ReturnType<typeof createOpenAICompatible>['chatModel']>;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  const provider = createOpenAICompatible({ name: 'fake', baseURL: fake.baseURL, apiKey: 'k', includeUsage: true });
  model = provider.chatModel('test-model');
});
afterEach(() => fake.reset());
afterAll(() => fake.close());

interface Collected<TOOLS extends ToolSet> {
  parts: TextStreamPart<TOOLS>[];
  /** performance.now() when each part arrived. */
  at: number[];
  /** What iterating the stream threw, if it did. */
  thrown: unknown;
}

/** Every part of the result's full stream (`stream`; `fullStream` is its deprecated name in v7). */
async function collect<TOOLS extends ToolSet>(result: StreamTextResult<TOOLS, any, any>): Promise<Collected<TOOLS>> {
  const parts: TextStreamPart<TOOLS>[] = [];
  const at: number[] = [];
  let thrown: unknown;
  try {
    for await (const part of result.stream) {
      parts.push(part);
      at.push(performance.now());
    }
  } catch (error) {
    thrown = error;
  }
  return { parts, at, thrown };
}

function textDeltas(parts: TextStreamPart<any>[]): string[] {
  return parts.flatMap((part) => (part.type === 'text-delta' ? [part.text] : []));
}

function types(parts: TextStreamPart<any>[]): string[] {
  return parts.map((part) => part.type);
}

describe('the fake OpenAI server, through the AI SDK', () => {
  it('streams scripted text as several text deltas, with usage, and records the request', async () => {
    fake.script({ text: 'Your refund is on its way.', chunkSize: 5 });
    const { parts, thrown } = await collect(streamText({ model, system: 'You are Tandem.', prompt: 'Where is my refund?' }));

    expect(thrown).toBeUndefined();
    expect(textDeltas(parts)).toEqual(['Your ', 'refun', 'd is ', 'on it', 's way', '.']);
    const finish = parts.find((part) => part.type === 'finish');
    expect(finish?.type === 'finish' && finish.finishReason).toBe('stop');
    // Only there because the usage chunk (stream_options.include_usage) was sent and parsed: ceil(26 / 4).
    expect(finish?.type === 'finish' && finish.totalUsage.outputTokens).toBe(7);

    expect(fake.requests).toHaveLength(1);
    const request = fake.requests[0]!;
    expect(request.body).toEqual({
      model: 'test-model',
      messages: [
        { role: 'system', content: 'You are Tandem.' },
        { role: 'user', content: 'Where is my refund?' },
      ],
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(request.headers.authorization).toBe('Bearer k');
    expect(fake.firstTokenAt[0]).toBeGreaterThanOrEqual(request.receivedAt);
  });

  it('waits firstTokenDelayMs before the first chunk and delayMs between chunks, flushing each one', async () => {
    fake.script({ text: 'abcdef', chunkSize: 2, firstTokenDelayMs: 120, delayMs: 40 });
    const { parts, at, thrown } = await collect(streamText({ model, prompt: 'hi' }));

    expect(thrown).toBeUndefined();
    expect(textDeltas(parts)).toEqual(['ab', 'cd', 'ef']);
    const request = fake.requests[0]!;
    expect(fake.firstTokenAt[0]! - request.receivedAt).toBeGreaterThanOrEqual(115);
    // Lower bounds only (a chunk cannot arrive before it is written); gaps between arrivals may shrink on a
    // busy machine, so they are not asserted.
    const arrivals = parts.flatMap((part, i) => (part.type === 'text-delta' ? [at[i]!] : []));
    expect(arrivals[0]! - request.receivedAt).toBeGreaterThanOrEqual(115);
    expect(arrivals[2]! - request.receivedAt).toBeGreaterThanOrEqual(115 + 2 * 40 - 5);
  });

  it('calls a tool, then answers with its result in a second request', async () => {
    const calls: unknown[] = [];
    const lookupOrder = tool({
      description: 'Look up an order by its number',
      inputSchema: z.object({ orderId: z.string(), includeItems: z.boolean() }),
      execute: async (input) => {
        calls.push(input);
        return { status: 'shipped', carrier: 'DHL' };
      },
    });
    fake.script(
      { toolCalls: [{ name: 'lookupOrder', arguments: { orderId: 'A-17', includeItems: true } }] },
      { text: 'Order A-17 has shipped with DHL.' },
    );
    const result = streamText({ model, prompt: 'Where is order A-17?', tools: { lookupOrder }, stopWhen: stepCountIs(3) });
    const { parts, thrown } = await collect(result);

    expect(thrown).toBeUndefined();
    expect(calls).toEqual([{ orderId: 'A-17', includeItems: true }]);
    // The arguments arrived in pieces and were reassembled.
    expect(parts.filter((part) => part.type === 'tool-input-delta').length).toBeGreaterThanOrEqual(2);
    const call = parts.find((part) => part.type === 'tool-call');
    expect(call?.type === 'tool-call' && call.input).toEqual({ orderId: 'A-17', includeItems: true });
    const toolResult = parts.find((part) => part.type === 'tool-result');
    expect(toolResult?.type === 'tool-result' && toolResult.output).toEqual({ status: 'shipped', carrier: 'DHL' });
    expect(textDeltas(parts).join('')).toBe('Order A-17 has shipped with DHL.');
    expect(await result.finishReason).toBe('stop');
    expect((await result.steps).map((step) => step.finishReason)).toEqual(['tool-calls', 'stop']);

    expect(fake.requests).toHaveLength(2);
    const [first, second] = fake.requests.map((request) => request.body);
    expect(first.tools).toEqual([
      {
        type: 'function',
        function: expect.objectContaining({
          name: 'lookupOrder',
          description: 'Look up an order by its number',
          parameters: expect.objectContaining({ type: 'object', required: ['orderId', 'includeItems'] }),
        }),
      },
    ]);
    const toolCallId = call?.type === 'tool-call' ? call.toolCallId : undefined;
    expect(toolCallId).toMatch(/^call_fake_/);
    expect(second.messages).toEqual([
      { role: 'user', content: 'Where is order A-17?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: toolCallId, type: 'function', function: { name: 'lookupOrder', arguments: '{"orderId":"A-17","includeItems":true}' } }],
      },
      { role: 'tool', tool_call_id: toolCallId, content: '{"status":"shipped","carrier":"DHL"}' },
    ]);
    expect(fake.firstTokenAt[0]).toBeUndefined(); // tool calls only
    expect(fake.firstTokenAt[1]).toBeTypeOf('number');
  });

  it('turns an HTTP error into an error part (not a throw) carrying the status and message', async () => {
    fake.script({ error: { status: 429, message: 'Rate limit reached for test-model' } });
    const reported: unknown[] = [];
    const { parts, thrown } = await collect(
      streamText({ model, prompt: 'hi', maxRetries: 0, onError: ({ error }) => void reported.push(error) }),
    );

    expect(thrown).toBeUndefined();
    expect(types(parts)).toEqual(['start', 'error']);
    const error = parts[1]?.type === 'error' ? parts[1].error : undefined;
    expect(APICallError.isInstance(error)).toBe(true);
    const apiError = error as APICallError;
    expect(apiError.statusCode).toBe(429);
    expect(apiError.message).toBe('Rate limit reached for test-model');
    expect(apiError.isRetryable).toBe(true);
    expect(JSON.parse(apiError.responseBody ?? '{}').error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded' });
    expect(reported).toEqual([error]);
    expect(fake.requests).toHaveLength(1); // maxRetries: 0
  });

  it('ends a hanging response with an abort part when the first-chunk timeout fires', async () => {
    fake.script({ hang: true });
    const started = performance.now();
    const { parts, thrown } = await collect(streamText({ model, prompt: 'hi', timeout: { firstChunkMs: 200 } }));
    const elapsed = performance.now() - started;

    expect(thrown).toBeUndefined();
    expect(types(parts)).toEqual(['start', 'abort']);
    expect(parts[1]?.type === 'abort' && parts[1].reason).toBe('TimeoutError: First chunk timeout of 200ms exceeded');
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(2000);
    expect(fake.requests).toHaveLength(1);
    expect(fake.firstTokenAt[0]).toBeUndefined();
  });

  it('ends a hanging response with an abort part when the caller aborts, and keeps serving', async () => {
    fake.script({ hang: true }, { text: 'still here' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const started = performance.now();
    const { parts, thrown } = await collect(streamText({ model, prompt: 'hi', abortSignal: controller.signal }));
    const elapsed = performance.now() - started;

    expect(thrown).toBeUndefined();
    expect(types(parts)).toEqual(['start', 'abort']);
    expect(parts[1]?.type === 'abort' && parts[1].reason).toBe('AbortError: This operation was aborted');
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(2000);

    const next = await collect(streamText({ model, prompt: 'again' }));
    expect(textDeltas(next.parts).join('')).toBe('still here');
  });

  it('delivers the partial text of a response cut mid-stream, then throws from the stream', async () => {
    fake.script({ failMidStream: { afterText: 'Let me check th' } });
    const reported: unknown[] = [];
    const { parts, thrown } = await collect(
      streamText({ model, prompt: 'hi', maxRetries: 0, onError: ({ error }) => void reported.push(error) }),
    );

    expect(textDeltas(parts).join('')).toBe('Let me check th');
    // A broken connection is not an `error` part: iterating the stream throws, and onError is not called.
    expect(types(parts)).not.toContain('error');
    expect(types(parts)).not.toContain('finish');
    expect(APICallError.isInstance(thrown)).toBe(true);
    const apiError = thrown as APICallError;
    expect(apiError.message).toBe('Failed to process successful response');
    expect(apiError.statusCode).toBe(200);
    expect(apiError.cause).toBeInstanceOf(TypeError);
    expect((apiError.cause as TypeError).message).toBe('terminated');
    expect(reported).toEqual([]);
  });

  it('answers non-streaming requests with one JSON body, for text and for tool calls', async () => {
    fake.script({ text: 'Plain answer.' }, { toolCalls: [{ name: 'escalate', arguments: { reason: 'angry' } }] });
    const text = await generateText({ model, prompt: 'hi' });
    expect(text.text).toBe('Plain answer.');
    expect(text.finishReason).toBe('stop');
    expect(text.usage.outputTokens).toBe(4);
    expect(fake.requests[0]!.body.stream).toBeUndefined(); // generateText sends no `stream` field at all

    const calls = await generateText({
      model,
      prompt: 'I want a person',
      tools: { escalate: tool({ inputSchema: z.object({ reason: z.string() }) }) }, // no execute: the call is returned
    });
    expect(calls.finishReason).toBe('tool-calls');
    expect(calls.toolCalls.map(({ toolName, input }) => ({ toolName, input }))).toEqual([{ toolName: 'escalate', input: { reason: 'angry' } }]);
  });
});

describe('the fake OpenAI server, on the wire', () => {
  function post(body: unknown): Promise<Response> {
    return fetch(`${fake.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer raw' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  it('sends proper chat.completion.chunk events, a usage chunk and [DONE]', async () => {
    fake.script({ text: 'Checking.', toolCalls: [{ name: 'lookup', arguments: { q: 'refund policy' } }] });
    const res = await post({ model: 'raw-model', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'x' }] });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const events = (await res.text()).split('\n\n').filter(Boolean).map((event) => event.replace(/^data: /, ''));

    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event));
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({ id: chunks[0].id, object: 'chat.completion.chunk', model: 'raw-model', created: expect.any(Number) });
    }
    const withChoice = chunks.filter((chunk) => chunk.choices.length > 0);
    expect(withChoice.every((chunk) => chunk.choices[0].index === 0)).toBe(true);
    expect(withChoice[0].choices[0].delta.role).toBe('assistant');
    expect(withChoice.map((chunk) => chunk.choices[0].delta.content ?? '').join('')).toBe('Checking.');
    const argumentPieces = withChoice.flatMap((chunk) => chunk.choices[0].delta.tool_calls ?? []);
    expect(argumentPieces[0]).toMatchObject({ index: 0, id: expect.any(String), type: 'function', function: { name: 'lookup' } });
    expect(argumentPieces.filter((piece) => piece.function.arguments !== '').length).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(argumentPieces.map((piece) => piece.function.arguments).join(''))).toEqual({ q: 'refund policy' });
    expect(withChoice.slice(0, -1).every((chunk) => chunk.choices[0].finish_reason === null)).toBe(true);
    expect(withChoice.at(-1).choices[0].finish_reason).toBe('tool_calls');
    const usage = chunks.at(-1);
    expect(usage.choices).toEqual([]);
    expect(usage.usage.total_tokens).toBe(usage.usage.prompt_tokens + usage.usage.completion_tokens);
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer raw');
  });

  it('answers other URLs with 404 and bad JSON with 400, recording both without consuming the script', async () => {
    fake.script({ text: 'kept for later' });
    const notFound = await fetch(`${fake.baseURL}/models`);
    expect(notFound.status).toBe(404);
    expect((await notFound.json()).error).toMatchObject({ message: expect.stringContaining('/v1/models'), code: 'not_found' });
    const badJson = await post('{not json');
    expect(badJson.status).toBe(400);
    expect((await badJson.json()).error.type).toBe('invalid_request_error');

    expect(fake.requests.map((request) => request.body)).toEqual([undefined, '{not json']);
    expect((await generateText({ model, prompt: 'hi' })).text).toBe('kept for later');
  });

  it('falls back to a default turn, or to the fallback function given the request body', async () => {
    expect((await generateText({ model, prompt: 'hi' })).text).toBe('(fake model: no script)');
    fake.fallback((body) => ({ text: `echo: ${body.messages.at(-1).content}` }));
    expect((await generateText({ model, prompt: 'ping' })).text).toBe('echo: ping');
    fake.reset();
    expect(fake.requests).toEqual([]);
    expect((await generateText({ model, prompt: 'ping' })).text).toBe('(fake model: no script)');
  });

  it('closes promptly, cutting a hanging response', async () => {
    const own = await startFakeOpenAI();
    own.script({ hang: true });
    const res = await fetch(`${own.baseURL}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', stream: true, messages: [] }) });
    expect(res.status).toBe(200);
    const reading = res.text().then(
      () => 'finished',
      (error: unknown) => `failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    const started = performance.now();
    await own.close();
    expect(performance.now() - started).toBeLessThan(500);
    expect(await reading).toBe('failed: terminated');
  });
});
