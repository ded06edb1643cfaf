// `npm run merchant:demo`: the demo merchant (Lumen Pay, in memory, seeded relative to today) as a standalone
// HTTP service speaking docs/MERCHANT-API.md, for trying TANDEM_MERCHANT_API end to end.
//   PORT (default 4000), HOST (default 127.0.0.1), TANDEM_MERCHANT_API_KEY (optional: require this bearer token)
import express from 'express';
import { systemClock } from '../core/clock.ts';
import { DEMO_CUSTOMERS, DemoMerchant } from './demo-merchant.ts';
import { merchantRouter } from './merchant-router.ts';

const port = Number(process.env.PORT ?? 4000);
const host = process.env.HOST?.trim() || '127.0.0.1';
const apiKey = process.env.TANDEM_MERCHANT_API_KEY?.trim() || undefined;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, not "${process.env.PORT}"`);
  process.exit(1);
}

const app = express();
app.disable('x-powered-by');
app.use(merchantRouter(new DemoMerchant({ clock: systemClock }), apiKey ? { apiKey } : {}));
app.use((_req, res) => {
  res.status(404).json({ error: { code: 'no_route', message: 'No such endpoint; see docs/MERCHANT-API.md.' } });
});

const server = app.listen(port, host, (error?: Error) => {
  if (error) {
    console.error(`The demo merchant could not start: ${error.message}`);
    process.exit(1);
  }
  const address = server.address();
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${typeof address === 'object' && address ? address.port : port}`;
  const customers = Object.values(DEMO_CUSTOMERS)
    .map((c) => `    ${c.email.padEnd(20)} ${c.orders.join(', ')}`)
    .join('\n');
  process.stdout.write(
    [
      '',
      `Demo merchant (Lumen Pay) is running on ${url}`,
      `  Auth:       ${apiKey ? 'Bearer token from TANDEM_MERCHANT_API_KEY' : 'none (set TANDEM_MERCHANT_API_KEY to require a bearer token)'}`,
      `  Try it:     curl ${url}/policy`,
      `  Use it:     TANDEM_MERCHANT_API=${url} npm start`,
      '  Customers (email, order numbers):',
      customers,
      '',
    ].join('\n') + '\n',
  );
});

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
