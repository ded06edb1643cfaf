// `npm start`: read the environment, start Tandem, say where everything is, and stop cleanly on a signal.
import { pino } from 'pino';
import { startTandem } from './app.ts';
import { loadConfig, type Config } from './config.ts';
import { redactUrl } from './cluster/connect.ts';

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

const log = pino({ level: config.logLevel });

try {
  const tandem = await startTandem({ config, log });
  const { url, bootstrap } = tandem;
  const signIn = bootstrap.oneTimePassword
    ? `${bootstrap.email} with the one-time password ${bootstrap.oneTimePassword}\n                        (a new one is made at every start; set TANDEM_ADMIN_EMAIL and TANDEM_ADMIN_PASSWORD to choose your own)`
    : `${bootstrap.email} with the password in TANDEM_ADMIN_PASSWORD`;
  process.stdout.write(
    [
      '',
      `Tandem is running on ${url}`,
      `  Demo shop + widget:   ${url}/`,
      `  Agent console:        ${url}/console/`,
      `  Widget script:        ${url}/widget.js`,
      `  Health / metrics:     ${url}/healthz  ${url}/metrics`,
      `  Storage:              ${tandem.store.dialect === 'sqlite' ? 'embedded SQLite' : 'PostgreSQL'} at ${tandem.store.location}`,
      `  Nodes:                ${config.redisUrl ? `one of several through Redis at ${redactUrl(config.redisUrl)} (this is ${tandem.cluster.nodeId})` : 'this one (set REDIS_URL and DATABASE_URL to run several)'}`,
      `  Knowledge base:       ${tandem.knowledgeBase.articles} articles from ${config.knowledgeDir}`,
      `  Replies:              ${config.llm ? `LLM ${config.llm.model} at ${config.llm.baseUrl ?? 'OpenAI'} (the embedded responder is the fallback)` : 'embedded responder (set OPENAI_BASE_URL and TANDEM_MODEL for an LLM)'}`,
      `  Merchant API:         ${config.merchantApi ? config.merchantApi.url : 'built-in demo merchant (try order LP-10001 with ana@example.com)'}`,
      `  Sign in as:           ${signIn}`,
      '',
    ].join('\n') + '\n',
  );
  log.info({ url, storage: tandem.store.dialect, agent: bootstrap.email }, 'tandem started');

  const stop = (signal: string) => {
    log.info({ signal }, 'stopping');
    const timer = setTimeout(() => process.exit(1), 10_000);
    timer.unref();
    tandem.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'unclean stop');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
} catch (error) {
  log.fatal({ err: error }, 'Tandem could not start');
  process.exit(1);
}
