// The ceiling for the load benchmark: a bare Socket.IO server (the same socket.io as Tandem, WebSocket only)
// that speaks just enough of the customer protocol for the same load client: on connect `session` and
// `state`; each `message` is acked and its payload emitted straight back as the AI's `message`. No storage,
// no triage, no responder, no connection state recovery: what is left is Socket.IO itself.
// Run as a child process: prints `{"port":N}` on its first stdout line, stops when its stdin closes.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { transports: ['websocket'], serveClient: false, maxHttpBufferSize: 64 * 1024 });
let next = 0;

io.of('/customer').on('connection', (socket) => {
  const conversationId = `echo-${++next}`;
  socket.emit('session', { token: conversationId, conversationId, state: 'ai', messages: [] });
  socket.emit('state', { state: 'ai' });
  socket.on('message', (payload: unknown, ack?: unknown) => {
    if (typeof ack === 'function') ack({ ok: true, message: payload });
    socket.emit('message', { ...(payload as object), from: 'ai' });
  });
});

http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (http.address() as AddressInfo).port })}\n`);
});

// The parent holds our stdin: when it goes away (even by SIGKILL), so do we.
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
