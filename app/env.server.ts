import path from 'node:path';
import { z } from 'zod';

// Every environment variable Waihu reads, in one place (README lists them).
const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().url().optional(),
  WAIHU_DATA_DIR: z.string().default('.data'),
  WAIHU_PG_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  WAIHU_TRUST_PROXY: z.string().optional(),
  WAIHU_SESSION_HOURS: z.coerce.number().positive().default(12),
  WAIHU_SECURE_COOKIES: z.enum(['true', 'false']).optional(),
  WAIHU_DEMO_PASSWORD: z.string().min(8).optional(),
  WAIHU_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The address customers reach Waihu at (links in messages); default http://localhost:PORT. */
  WAIHU_PUBLIC_URL: z.string().url().optional(),
  /** The embedded sim switch runs this many times faster than real time (demos: 10). */
  WAIHU_SIM_TIME_SCALE: z.coerce.number().min(0.1).max(100).default(1),
  /** Demo agents answered by the sim switch: on by default for `waihu start`, off for `waihu dialer`. */
  WAIHU_AUTO_AGENTS: z.enum(['true', 'false']).optional(),
  /** Demo only: a business system implementing webhook-crm's contract; the demo projects write back to it. */
  WAIHU_DEMO_CRM_URL: z.string().url().optional(),
  WAIHU_DEMO_CRM_SECRET: z.string().min(16).optional(),
  /** Bearer token for /metrics from other hosts (loopback needs none); unset: loopback only. */
  WAIHU_METRICS_TOKEN: z.string().min(16).optional(),
  /** Largest request body (bytes) for form posts and JSON; import uploads and the contacts API have their own. */
  WAIHU_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024 * 1024)
    .default(2 * 1024 * 1024),
  /** Database connections per process for Prisma (pg-boss and the live listener have their own). */
  WAIHU_DB_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(10),
});

export type Env = z.infer<typeof EnvSchema> & { dataDir: string };

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  const parsed = EnvSchema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid environment configuration:\n${problems}`);
  }
  cached = { ...parsed.data, dataDir: path.resolve(parsed.data.WAIHU_DATA_DIR) };
  return cached;
}

/** Tests and the CLI change process.env after start-up (e.g. the embedded database URL). */
export function resetEnvCache(): void {
  cached = undefined;
}

/** Where customers reach this installation (survey links in messages). */
export function publicUrl(): string {
  const e = env();
  return e.WAIHU_PUBLIC_URL ?? `http://localhost:${e.PORT}`;
}
