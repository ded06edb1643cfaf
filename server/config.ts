// The environment, parsed once at start (../shared/CONTRACT.md section 2). Secrets come only from here.
import { resolve } from 'node:path';
import { z } from 'zod';
import { parseLimitTuning, parseTrustProxy, type LimitTuning, type TrustProxy } from './security/rate-limits.ts';
import { IDENTITY_SECRET_MIN_BYTES } from './security/shop-identity.ts';
import { parseAiLanguages } from './core/triage/language.ts';

const optional = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== '' ? v.trim() : undefined));

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: optional,
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: optional.refine((v) => !v || /^postgres(ql)?:\/\//.test(v), 'DATABASE_URL must start with postgres://'),
  REDIS_URL: optional.refine((v) => !v || /^rediss?:\/\//.test(v), 'REDIS_URL must start with redis:// or rediss://'),
  TANDEM_REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9:_.-]{1,50}$/, 'TANDEM_REDIS_PREFIX may hold letters, digits and : _ . - (at most 50)').default('tandem:'),
  TANDEM_PG_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  TANDEM_NODE_ID: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'TANDEM_NODE_ID may hold letters, digits and _ . - (at most 64)').optional(),
  TANDEM_ADMIN_EMAIL: optional.refine((v) => !v || /^[^@\s]+@[^@\s]+$/.test(v), 'TANDEM_ADMIN_EMAIL must be an email address'),
  TANDEM_ADMIN_PASSWORD: optional.refine((v) => !v || v.length >= 8, 'TANDEM_ADMIN_PASSWORD must have at least 8 characters'),
  TANDEM_ALLOWED_ORIGINS: optional,
  OPENAI_BASE_URL: optional.refine((v) => !v || /^https?:\/\//.test(v), 'OPENAI_BASE_URL must be an http(s) URL'),
  OPENAI_API_KEY: optional,
  TANDEM_MODEL: optional,
  TANDEM_MERCHANT_API: optional.refine((v) => !v || /^https?:\/\//.test(v), 'TANDEM_MERCHANT_API must be an http(s) URL'),
  TANDEM_MERCHANT_API_KEY: optional,
  TANDEM_LLM_FIRST_TOKEN_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  TANDEM_LLM_TIMEOUT_MS: z.coerce.number().int().min(500).max(600_000).default(45_000),
  TANDEM_KNOWLEDGE_DIR: optional,
  TANDEM_AUTO_ASSIGN: z.enum(['on', 'off']).default('on'),
  TANDEM_AGENT_GRACE_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  TANDEM_WAIT_CONFIDENCE: z.coerce.number().min(0.5).max(0.99).default(0.9),
  TANDEM_POLICY: optional,
  TANDEM_QUALITY_ALARM_ACTION: z.enum(['shadow', 'none']).default('shadow'),
  TANDEM_CONTROL_SHARE: z.coerce.number().min(0).max(0.2).default(0),
  TANDEM_AI_LANGUAGES: optional,
  // Not trimmed: the secret is exactly what the shop signs with.
  TANDEM_IDENTITY_SECRET: z
    .string()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .refine(
      (v) => !v || Buffer.byteLength(v) >= IDENTITY_SECRET_MIN_BYTES,
      `TANDEM_IDENTITY_SECRET must have at least ${IDENTITY_SECRET_MIN_BYTES} bytes (HS256 needs a 256-bit key; e.g. \`openssl rand -base64 48\`)`,
    ),
  TANDEM_RATE_LIMITS: optional,
  TANDEM_TRUST_PROXY: optional,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  port: number;
  host: string | undefined;
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  /** several nodes: the prefix of every Redis key and channel, and this node's name (a fresh one by default) */
  cluster: { redisPrefix: string; nodeId: string | undefined };
  /** PostgreSQL connections per node (TANDEM_PG_POOL_MAX) */
  pgPoolMax: number;
  admin: { email: string | undefined; password: string | undefined };
  allowedOrigins: string[];
  knowledgeDir: string;
  /** undefined: the embedded responder answers */
  llm: { baseUrl: string | undefined; apiKey: string | undefined; model: string; firstTokenTimeoutMs: number; totalTimeoutMs: number } | undefined;
  /** undefined: the built-in demo merchant */
  merchantApi: { url: string; apiKey: string | undefined } | undefined;
  /** routing: assign waiting chats automatically; how long an agent who disconnected keeps their chats */
  routing: { autoAssign: boolean; graceMs: number };
  /** the share of wait-time promises to keep (TANDEM_WAIT_CONFIDENCE) */
  waitConfidence: number;
  /** the per-type triage policy file (TANDEM_POLICY); undefined: config/policy.json */
  policyFile: string | undefined;
  /** the languages the assistant and triage serve, as primary subtags (TANDEM_AI_LANGUAGES); default ['en'] */
  aiLanguages: string[];
  /** quality (docs/QUALITY.md): what an alarm does to its type's AI, and the control group's share */
  quality: { alarmAction: 'shadow' | 'none'; controlShare: number };
  /** the secret shared with the shop's server for signed-in customers' tokens; undefined: verification off */
  identitySecret: string | undefined;
  /** limits other than the defaults (TANDEM_RATE_LIMITS, docs/SECURITY.md) */
  rateLimits: Partial<LimitTuning>;
  /** which peers are our proxies / load balancers, whose X-Forwarded-For names the client (TANDEM_TRUST_PROXY) */
  trustProxy: TrustProxy;
  logLevel: string;
}

export const DEFAULT_KNOWLEDGE_DIR = resolve(import.meta.dirname, 'responder/knowledge');

/** Parse the environment; throws an Error listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Bad environment: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const e = parsed.data;
  if (e.OPENAI_BASE_URL && !e.TANDEM_MODEL) {
    throw new Error('Bad environment: OPENAI_BASE_URL is set but TANDEM_MODEL is not; name the model to use (e.g. TANDEM_MODEL=llama3.1)');
  }
  if (Boolean(e.TANDEM_ADMIN_EMAIL) !== Boolean(e.TANDEM_ADMIN_PASSWORD)) {
    throw new Error('Bad environment: set both TANDEM_ADMIN_EMAIL and TANDEM_ADMIN_PASSWORD, or neither');
  }
  if (e.REDIS_URL && !e.DATABASE_URL) {
    throw new Error(
      'Bad environment: REDIS_URL is set but DATABASE_URL is not. Several nodes share one PostgreSQL; the embedded store serves one process only. Set DATABASE_URL=postgres://…, or unset REDIS_URL to run one node.',
    );
  }
  const origins = (e.TANDEM_ALLOWED_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  for (const origin of origins) {
    if (!/^https?:\/\/[^/]+$/.test(origin)) throw new Error(`Bad environment: TANDEM_ALLOWED_ORIGINS entry "${origin}" is not an origin like https://shop.example`);
  }
  let trustProxy: TrustProxy;
  try {
    trustProxy = parseTrustProxy(e.TANDEM_TRUST_PROXY ?? 'loopback');
  } catch (error) {
    throw new Error(`Bad environment: ${(error as Error).message}`, { cause: error });
  }
  let aiLanguages: string[];
  try {
    aiLanguages = parseAiLanguages(e.TANDEM_AI_LANGUAGES);
  } catch (error) {
    throw new Error(`Bad environment: TANDEM_AI_LANGUAGES: ${(error as Error).message}`);
  }
  let rateLimits: Partial<LimitTuning>;
  try {
    rateLimits = parseLimitTuning(e.TANDEM_RATE_LIMITS ?? '');
  } catch (error) {
    throw new Error(`Bad environment: TANDEM_RATE_LIMITS: ${(error as Error).message}`);
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    cluster: { redisPrefix: e.TANDEM_REDIS_PREFIX, nodeId: e.TANDEM_NODE_ID },
    pgPoolMax: e.TANDEM_PG_POOL_MAX,
    admin: { email: e.TANDEM_ADMIN_EMAIL, password: e.TANDEM_ADMIN_PASSWORD },
    allowedOrigins: origins,
    knowledgeDir: e.TANDEM_KNOWLEDGE_DIR ? resolve(e.TANDEM_KNOWLEDGE_DIR) : DEFAULT_KNOWLEDGE_DIR,
    llm: e.TANDEM_MODEL
      ? {
          baseUrl: e.OPENAI_BASE_URL,
          apiKey: e.OPENAI_API_KEY,
          model: e.TANDEM_MODEL,
          firstTokenTimeoutMs: e.TANDEM_LLM_FIRST_TOKEN_MS,
          totalTimeoutMs: e.TANDEM_LLM_TIMEOUT_MS,
        }
      : undefined,
    merchantApi: e.TANDEM_MERCHANT_API ? { url: e.TANDEM_MERCHANT_API, apiKey: e.TANDEM_MERCHANT_API_KEY } : undefined,
    routing: { autoAssign: e.TANDEM_AUTO_ASSIGN === 'on', graceMs: e.TANDEM_AGENT_GRACE_SECONDS * 1000 },
    waitConfidence: e.TANDEM_WAIT_CONFIDENCE,
    policyFile: e.TANDEM_POLICY ? resolve(e.TANDEM_POLICY) : undefined,
    aiLanguages,
    quality: { alarmAction: e.TANDEM_QUALITY_ALARM_ACTION, controlShare: e.TANDEM_CONTROL_SHARE },
    identitySecret: e.TANDEM_IDENTITY_SECRET,
    rateLimits,
    trustProxy,
    logLevel: e.LOG_LEVEL,
  };
}
