import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";

/**
 * The one place that reads `process.env` (an ESLint rule bans it elsewhere).
 * Validated on first import: a wrong or missing variable stops start-up with one line naming it.
 */

const flag = z
  .enum(["0", "1", "true", "false", ""])
  .optional()
  .transform((v) => v === "1" || v === "true");

const commaList = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  );

const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\/[^\s]+$/.test(v) && URL.canParse(v), {
    message: "must be a postgresql:// connection URL",
  });

export const envShape = {
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  /** Unset: the embedded PGlite database under DATA_DIR. */
  DATABASE_URL: postgresUrl.optional(),
  DATA_DIR: z.string().min(1).default(".data"),
  /** Demo mode: demo sign-in, embedded AWS simulator. Never in production. */
  DEMO_MODE: flag,
  NEXTAUTH_URL: z.url().optional(),
  NEXTAUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  OIDC_ISSUER: z.url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_NAME: z.string().min(1).default("Single sign-on"),
  OIDC_GROUPS_CLAIM: z.string().min(1).default("groups"),
  /**
   * The signed-in email is the portal identity, so by default it must come with email_verified=true.
   * Only for an IdP that never sends the claim but controls every address itself.
   */
  OIDC_ALLOW_UNVERIFIED_EMAIL: flag,
  ADMIN_EMAILS: commaList,
  ADMIN_GROUPS: commaList,
  /** 32 bytes, base64: encrypts stored AWS secrets (AES-256-GCM). */
  ENCRYPTION_KEY: z
    .string()
    .refine((v) => Buffer.from(v, "base64").length === 32, { message: "must be 32 bytes, base64-encoded" })
    .optional(),
  /** Bearer secret for POST /api/worker from an external scheduler. Unset: the route refuses. */
  WORKER_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  /** In-process worker ticks (single-node installs). */
  WORKER_INTERVAL_MS: z.coerce.number().int().min(0).default(5000),
  /** How often each tick's reconciler compares AWS with the grants (0 = only on demand). */
  WORKER_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(0).default(600_000),
  /** Most worker threads scanning member accounts during discovery (default: one per core, at most 4; 0 = none). */
  DISCOVERY_SCAN_THREADS: z.coerce.number().int().min(0).max(64).optional(),
  /** Account scans in flight on the server's own thread before worker threads start (small organizations never start one). */
  DISCOVERY_INLINE_SCANS: z.coerce.number().int().min(0).default(8),
  AWS_SIM_PORT: z.coerce.number().int().min(0).max(65535).default(4566),
  AWS_ENDPOINT_URL: z.url().optional(),
  SMTP_URL: z.string().optional(),
  SMTP_FROM: z.string().default("JIT Access Portal <no-reply@localhost>"),
  SLACK_WEBHOOK_URL: z.url().optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
};

type TShape = { [K in keyof typeof envShape]: z.infer<(typeof envShape)[K]> };

/** Cross-variable rules: production without demo mode needs real secrets and an identity provider. */
function requireInProduction(v: TShape, ctx: z.RefinementCtx) {
  const production = v.NODE_ENV === "production" && !v.DEMO_MODE;
  if (!production) return;
  const need: (keyof TShape)[] = ["NEXTAUTH_SECRET", "OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "ENCRYPTION_KEY"];
  for (const key of need) {
    if (!v[key]) ctx.addIssue({ code: "custom", path: [key], message: "is required in production (DEMO_MODE off)" });
  }
  // next-auth marks its session cookie Secure (and __Secure- prefixed) only for an https NEXTAUTH_URL;
  // without one, the cookie would also travel over plain http. Loopback stays allowed for local checks.
  if (!v.NEXTAUTH_URL) {
    ctx.addIssue({ code: "custom", path: ["NEXTAUTH_URL"], message: "is required in production (DEMO_MODE off): the portal's public https URL" });
  } else {
    const url = new URL(v.NEXTAUTH_URL);
    const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
    if (url.protocol !== "https:" && !loopback) {
      ctx.addIssue({ code: "custom", path: ["NEXTAUTH_URL"], message: "must be an https:// URL in production: the session cookie is marked Secure only then" });
    }
  }
}

/** One line per problem, naming the variable: what an operator needs, not a stack trace. */
export function formatEnvIssues(issues: readonly { path?: readonly unknown[]; message: string }[]): string {
  return issues
    .map((i) => {
      const key = (i.path ?? []).map((p) => (typeof p === "object" && p && "key" in p ? String(p.key) : String(p))).join(".");
      return `Invalid environment variable ${key || "(unknown)"}: ${i.message}`;
    })
    .join("; ");
}

export class EnvError extends Error {
  override name = "EnvError";
}

export function parseEnv(runtimeEnv: Record<string, string | undefined>) {
  // One build serves every environment: production's requirements apply when it runs, not when it is built.
  const building = runtimeEnv.NEXT_PHASE === "phase-production-build";
  return createEnv({
    server: envShape,
    runtimeEnv,
    emptyStringAsUndefined: true,
    isServer: true,
    createFinalSchema: (shape) => z.object(shape).superRefine((v, ctx) => (building ? undefined : requireInProduction(v as TShape, ctx))),
    onValidationError: (issues) => {
      throw new EnvError(formatEnvIssues(issues));
    },
  }) as unknown as TShape;
}

export const env: TShape = parseEnv(process.env);
