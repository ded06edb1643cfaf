// The demo shop as other shops would embed the widget: its page with the widget's tag changed (data-* options,
// <html lang>), a stylesheet of the shop's own (CSS custom properties on tandem-chat) and a script that runs
// before the tag (the stub queue of window.Tandem). Served through Playwright routes from the server's own
// response, so the page keeps the server's strict CSP (no inline scripts or styles) and origin.
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, BrowserContextOptions, Page, Request } from 'playwright-core';
import type { Tandem } from '../../server/app.ts';
import { hashPassword } from '../../server/auth/agent-accounts.ts';

export interface HostPage {
  /** `<html lang>`; the demo says "en" */
  lang?: string;
  /** data-* attributes of the widget tag, without "data-": { lang: 'de', theme: 'dark' } */
  data?: Record<string, string>;
  /** the shop's own stylesheet, linked in <head> */
  css?: string;
  /** the shop's own script, run before the widget's tag */
  script?: string;
  /** browser context options: viewport, colorScheme, reducedMotion, isMobile */
  context?: BrowserContextOptions;
  /** routes to set before the page loads (socket.io keeps the WebSocket constructor it found when it ran) */
  prepare?: (context: BrowserContext) => Promise<unknown>;
}

export interface OpenedHostPage {
  page: Page;
  /** every request for the full widget so far */
  fullWidgetRequests: Request[];
  /** the page's Content-Security-Policy reports and uncaught errors */
  problems: string[];
}

/** Opens the demo shop at `url` with its widget tag and page changed as `host` says. */
export async function openHostPage(browser: Browser, url: string, host: HostPage = {}): Promise<OpenedHostPage> {
  // A page answered by a route has no network address, so Chromium counts it as public and would refuse its
  // WebSocket to the test server on loopback (Local Network Access); a shop on the internet talking to a Tandem
  // on the internet never meets that check.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, permissions: ['local-network-access'], ...host.context });
  await context.route(`${url}/`, async (route) => {
    const response = await route.fetch();
    let html = await response.text();
    if (host.lang !== undefined) html = html.replace('<html lang="en">', host.lang ? `<html lang="${host.lang}">` : '<html>');
    if (host.css) html = html.replace('</head>', '<link rel="stylesheet" href="/host/shop.css" />\n  </head>');
    const data = Object.entries(host.data ?? {})
      .map(([name, value]) => ` data-${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}="${value.replace(/"/g, '&quot;')}"`)
      .join('');
    const tag = /<script src="\/widget\.js" async( data-title="[^"]*")><\/script>/;
    if (!tag.test(html)) throw new Error('the demo page no longer has the widget tag this helper rewrites');
    html = html.replace(tag, (_all, title: string) => {
      const own = host.data && 'title' in host.data ? '' : title;
      return `${host.script ? '<script src="/host/shop.js"></script>\n    ' : ''}<script src="/widget.js" async${own}${data}></script>`;
    });
    await route.fulfill({ response, body: html });
  });
  if (host.css) await context.route(`${url}/host/shop.css`, (route) => route.fulfill({ contentType: 'text/css', body: host.css! }));
  if (host.script) await context.route(`${url}/host/shop.js`, (route) => route.fulfill({ contentType: 'text/javascript', body: host.script! }));

  await host.prepare?.(context);
  const page = await context.newPage();
  const fullWidgetRequests: Request[] = [];
  const problems: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/widget-app.js') fullWidgetRequests.push(request);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) problems.push(message.text());
  });
  await page.goto(`${url}/`);
  return { page, fullWidgetRequests, problems };
}

/** An agent account with a display name of two words (addAgent makes its email of the name, so one word). */
export async function agentNamed(tandem: Tandem, name: string): Promise<{ email: string; password: string }> {
  const credentials = { email: `agent-${randomUUID().slice(0, 8)}@example.test`, password: 'another long password' };
  await tandem.store.upsertAgent({
    id: randomUUID(),
    email: credentials.email,
    name,
    role: 'agent',
    passwordHash: await hashPassword(credentials.password),
    createdAt: new Date().toISOString(),
  });
  return credentials;
}
