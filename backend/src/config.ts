import path from 'node:path';
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: optionalString.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  DATA_DIR: z.string().min(1).default('./.data'),
  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:3000'),
  HUBSPOT_CLIENT_ID: optionalString,
  HUBSPOT_CLIENT_SECRET: optionalString,
  HUBSPOT_APP_ID: optionalString,
  HUBSPOT_API_BASE: z.url({ protocol: /^https?$/ }).default('https://api.hubapi.com'),
  HUBSPOT_AUTH_BASE: z.url({ protocol: /^https?$/ }).default('https://app.hubspot.com'),
  FATHOM_API_BASE: z.url({ protocol: /^https?$/ }).default('https://api.fathom.ai/external/v1'),
  FATHOM_CLIENT_ID: optionalString,
  FATHOM_CLIENT_SECRET: optionalString,
  FATHOM_AUTH_BASE: z.url({ protocol: /^https?$/ }).default('https://fathom.video/external/v1'),
  TOKEN_ENCRYPTION_KEY: optionalString,
  SYNC_SCHEDULE: z
    .string()
    .trim()
    .regex(/^(\S+\s+){4}\S+$/, 'must be a five-field cron expression, e.g. "*/15 * * * *"')
    .superRefine(refuseBadCron)
    .default('*/15 * * * *'),
  UNINSTALL_GRACE_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 365)
    .default(24 * 30),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  RUN_WORKERS: optionalString.pipe(z.stringbool({ error: 'must be true or false' }).default(true)),
  METRICS_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  METRICS_PORT: optionalString.pipe(z.coerce.number<string>().int().min(0).max(65535).optional()),
  TRUST_PROXY_HOPS: optionalString.pipe(z.coerce.number<string>().int().min(0).max(10).default(0)),
  SHUTDOWN_DRAIN_SECONDS: optionalString.pipe(z.coerce.number<string>().min(0).max(300).default(5)),
  SHUTDOWN_TIMEOUT_SECONDS: optionalString.pipe(z.coerce.number<string>().min(1).max(3600).default(28)),
  BUILD_COMMIT: optionalString.pipe(
    z
      .string()
      .regex(/^[0-9a-f]{7,40}$/, 'must be a git commit hash')
      .optional(),
  ),
  LLM_BASE_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  LLM_MODEL: optionalString,
  LLM_API_KEY: optionalString,
  LLM_DAILY_TOKENS: optionalString.pipe(z.coerce.number<string>().int().min(1000).default(2_000_000)),
});

/** Every variable the backend reads (`.env.example` lists each; a test keeps the two in step). */
export const ENV_NAMES = Object.keys(envSchema.shape) as ReadonlyArray<keyof typeof envSchema.shape>;

/** Each variable's value when unset (undefined: none), as the schema gives it. */
export const envDefaults = (): Record<string, unknown> => envSchema.parse({});

// pg-boss reads SYNC_SCHEDULE with cron-parser: refuse at start what it would refuse later.
function refuseBadCron(value: string, context: z.RefinementCtx): void {
  try {
    CronExpressionParser.parse(value, { tz: 'UTC' });
  } catch (error) {
    context.addIssue({ code: 'custom', message: `not a valid cron expression (${(error as Error).message})` });
  }
}

export type Config = {
  nodeEnv: 'development' | 'test' | 'production';
  port: number;
  databaseUrl: string | undefined;
  dataDir: string;
  publicBaseUrl: string;
  hubspot: {
    clientId: string | undefined;
    clientSecret: string | undefined;
    appId: string | undefined;
    apiBase: string;
    authBase: string;
  };
  fathom: {
    apiBase: string;
    authBase: string;
    clientId: string | undefined;
    clientSecret: string | undefined;
  };
  tokenEncryptionKey: string | undefined;
  syncSchedule: string;
  /** How long an uninstalled portal's data is kept before it is purged (a reinstall keeps it). */
  uninstallGraceMs: number;
  logLevel: string;
  /** `npm start` also runs the job workers (false: a web-only process; needs DATABASE_URL). */
  runWorkers: boolean;
  /**
   * When set, GET /metrics asks for `Authorization: Bearer <token>`. Unset in production, the
   * web port refuses /metrics (the worker's private METRICS_PORT still serves it).
   */
  metricsToken: string | undefined;
  /** `npm run worker` serves GET /metrics on this port when set (it has no other HTTP server). */
  metricsPort: number | undefined;
  /**
   * How many proxies (load balancer, CDN) stand between the internet and this process. The
   * client address, scheme and host are read from X-Forwarded-* only as far as those hops wrote
   * them; anything further left in the header was written by the client and is not believed.
   * 0 by default (nothing in front: X-Forwarded-* is ignored); 1 behind one load balancer.
   */
  trustProxyHops: number;
  /**
   * On SIGTERM, /readyz answers 503 at once and the server keeps serving this long, so the load
   * balancer stops sending requests before the port closes.
   */
  shutdownDrainMs: number;
  /** The whole shutdown's limit (drain included): past it the process exits 1 with what is left undone. */
  shutdownTimeoutMs: number;
  /** The commit deployed (fathom_hubspot_build_info); unset, it is read from git when there is a checkout. */
  buildCommit: string | undefined;
  /** The OpenAI-compatible model of the AI review (LLM_*); undefined = rules only. */
  llm: LlmConfig | undefined;
};

export type LlmConfig = {
  baseUrl: string;
  model: string;
  /** A secret: never logged, never answered (a local server may need none). */
  apiKey: string | undefined;
  /** Tokens (prompt and answer) one account may spend a day (UTC). */
  dailyTokens: number;
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const withoutTrailingSlash = (url: string) => url.replace(/\/+$/, '');

/** Reads and validates the environment once; everything else receives the result. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    // Name the variable and the rule, never echo the value: it may be a secret.
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid environment:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production' && !e.TOKEN_ENCRYPTION_KEY) {
    throw new ConfigError(
      'Invalid environment:\n  TOKEN_ENCRYPTION_KEY: required when NODE_ENV=production (32 random bytes, base64)',
    );
  }
  if (e.NODE_ENV === 'production' && !e.HUBSPOT_APP_ID) {
    // Without it the uninstall journal is never read: an uninstalled portal's data would never be purged.
    throw new ConfigError(
      "Invalid environment:\n  HUBSPOT_APP_ID: required when NODE_ENV=production (the app's id in HubSpot; uninstalls are read for it)",
    );
  }
  if (e.DATABASE_URL && !e.TOKEN_ENCRYPTION_KEY) {
    // A generated key lives next to one process's files: on a shared PostgreSQL each instance
    // would seal with its own key and none could open the others' tokens (or any after a redeploy).
    throw new ConfigError(
      'Invalid environment:\n  TOKEN_ENCRYPTION_KEY: required when DATABASE_URL is set; every process that shares ' +
        'the database needs the same key (32 random bytes, base64: `openssl rand -base64 32`). Only the embedded ' +
        'database (no DATABASE_URL) generates a key of its own.',
    );
  }
  if (!e.RUN_WORKERS && !e.DATABASE_URL) {
    // The embedded database lives in this process: nobody else could ever run its jobs.
    throw new ConfigError(
      'Invalid environment:\n  RUN_WORKERS: false needs DATABASE_URL (the embedded database serves one process, which must run the jobs itself)',
    );
  }
  if (Boolean(e.LLM_BASE_URL) !== Boolean(e.LLM_MODEL)) {
    throw new ConfigError(
      'Invalid environment:\n  LLM_BASE_URL and LLM_MODEL: set both (an OpenAI-compatible API and its model) or neither (rules only)',
    );
  }
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.DATA_DIR),
    publicBaseUrl: withoutTrailingSlash(e.PUBLIC_BASE_URL),
    hubspot: {
      clientId: e.HUBSPOT_CLIENT_ID,
      clientSecret: e.HUBSPOT_CLIENT_SECRET,
      appId: e.HUBSPOT_APP_ID,
      apiBase: withoutTrailingSlash(e.HUBSPOT_API_BASE),
      authBase: withoutTrailingSlash(e.HUBSPOT_AUTH_BASE),
    },
    fathom: {
      apiBase: withoutTrailingSlash(e.FATHOM_API_BASE),
      authBase: withoutTrailingSlash(e.FATHOM_AUTH_BASE),
      clientId: e.FATHOM_CLIENT_ID,
      clientSecret: e.FATHOM_CLIENT_SECRET,
    },
    tokenEncryptionKey: e.TOKEN_ENCRYPTION_KEY,
    syncSchedule: e.SYNC_SCHEDULE,
    uninstallGraceMs: e.UNINSTALL_GRACE_HOURS * 3_600_000,
    logLevel: e.LOG_LEVEL,
    runWorkers: e.RUN_WORKERS,
    metricsToken: e.METRICS_TOKEN,
    metricsPort: e.METRICS_PORT,
    trustProxyHops: e.TRUST_PROXY_HOPS,
    shutdownDrainMs: e.SHUTDOWN_DRAIN_SECONDS * 1000,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_SECONDS * 1000,
    buildCommit: e.BUILD_COMMIT,
    llm:
      e.LLM_BASE_URL && e.LLM_MODEL
        ? {
            baseUrl: withoutTrailingSlash(e.LLM_BASE_URL),
            model: e.LLM_MODEL,
            apiKey: e.LLM_API_KEY,
            dailyTokens: e.LLM_DAILY_TOKENS,
          }
        : undefined,
  };
}
