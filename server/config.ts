// The environment, parsed once at start (../shared/CONTRACT.md section 2). Secrets come only from here.
import { resolve } from 'node:path';
import { z } from 'zod';

const optional = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== '' ? v.trim() : undefined));

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: optional,
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: optional.refine((v) => !v || /^postgres(ql)?:\/\//.test(v), 'DATABASE_URL must start with postgres://'),
  REDIS_URL: optional,
  TANDEM_ADMIN_EMAIL: optional.refine((v) => !v || /^[^@\s]+@[^@\s]+$/.test(v), 'TANDEM_ADMIN_EMAIL must be an email address'),
  TANDEM_ADMIN_PASSWORD: optional.refine((v) => !v || v.length >= 8, 'TANDEM_ADMIN_PASSWORD must have at least 8 characters'),
  TANDEM_ALLOWED_ORIGINS: optional,
  OPENAI_BASE_URL: optional,
  OPENAI_API_KEY: optional,
  TANDEM_MODEL: optional,
  TANDEM_MERCHANT_API: optional,
  TANDEM_KNOWLEDGE_DIR: optional,
  TANDEM_POLICY: optional,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  port: number;
  host: string | undefined;
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  admin: { email: string | undefined; password: string | undefined };
  allowedOrigins: string[];
  knowledgeDir: string;
  llm: { baseUrl: string | undefined; model: string | undefined };
  merchantApi: string | undefined;
  /** the per-type triage policy file (TANDEM_POLICY); undefined: config/policy.json */
  policyFile: string | undefined;
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
  if (Boolean(e.TANDEM_ADMIN_EMAIL) !== Boolean(e.TANDEM_ADMIN_PASSWORD)) {
    throw new Error('Bad environment: set both TANDEM_ADMIN_EMAIL and TANDEM_ADMIN_PASSWORD, or neither');
  }
  const origins = (e.TANDEM_ALLOWED_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  for (const origin of origins) {
    if (!/^https?:\/\/[^/]+$/.test(origin)) throw new Error(`Bad environment: TANDEM_ALLOWED_ORIGINS entry "${origin}" is not an origin like https://shop.example`);
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    admin: { email: e.TANDEM_ADMIN_EMAIL, password: e.TANDEM_ADMIN_PASSWORD },
    allowedOrigins: origins,
    knowledgeDir: e.TANDEM_KNOWLEDGE_DIR ? resolve(e.TANDEM_KNOWLEDGE_DIR) : DEFAULT_KNOWLEDGE_DIR,
    llm: { baseUrl: e.OPENAI_BASE_URL, model: e.TANDEM_MODEL },
    merchantApi: e.TANDEM_MERCHANT_API,
    policyFile: e.TANDEM_POLICY ? resolve(e.TANDEM_POLICY) : undefined,
    logLevel: e.LOG_LEVEL,
  };
}
