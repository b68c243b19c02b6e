import path from "node:path";
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

const isKey = (v: string) => Buffer.from(v, "base64").length === 32;

const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\/[^\s]+$/.test(v) && URL.canParse(v), {
    message: "must be a postgresql:// connection URL",
  });

export const envShape = {
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  /** Unset: the embedded PGlite database under DATA_DIR (in production only with ALLOW_EMBEDDED_DATABASE). */
  DATABASE_URL: postgresUrl.optional(),
  DATA_DIR: z.string().min(1).default(".data"),
  /**
   * Production on the embedded database: a single-node install that knows its DATA_DIR is a lasting
   * volume. Losing it loses which grants the portal must take back, so it is never the silent default.
   */
  ALLOW_EMBEDDED_DATABASE: flag,
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
  /**
   * Each email is linked to the IdP account (issuer|sub) of its first sign-in; another account is refused.
   * Set while moving to a new IdP or app registration (Entra gives every app its own `sub`): a sign-in then
   * re-links instead (audited). Unset it again once everyone has signed in.
   */
  OIDC_RELINK_ACCOUNTS: flag,
  ADMIN_EMAILS: commaList,
  ADMIN_GROUPS: commaList,
  /** 32 bytes, base64: encrypts stored AWS secrets (AES-256-GCM). */
  ENCRYPTION_KEY: z.string().refine(isKey, { message: "must be 32 bytes, base64-encoded" }).optional(),
  /**
   * Earlier ENCRYPTION_KEYs (comma-separated, each 32 bytes base64) after a rotation: they open values sealed
   * before it (until `npm run secrets:reseal`) and verify the audit events they signed.
   */
  ENCRYPTION_KEY_PREVIOUS: commaList.refine((keys) => keys.every(isKey), { message: "must be 32-byte keys, base64-encoded, separated by commas" }),
  /**
   * The seq (#) of the last audit event written before the chain was keyed (`SELECT max(seq) FROM "AuditEvent"
   * WHERE hash NOT LIKE 'h2:%'`): verification accepts plain hashes up to it and no further. 0 for installs that started keyed.
   */
  AUDIT_LEGACY_EVENTS: z.coerce.number().int().min(0).default(0),
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
  /**
   * How many portal processes (replicas) work on the same AWS organizations. AWS's rate limits and the
   * 15 in-flight assignment operations count per organization, so each process takes its share.
   */
  AWS_REPLICAS: z.coerce.number().int().min(1).max(100).default(1),
  AWS_SIM_PORT: z.coerce.number().int().min(0).max(65535).default(4566),
  AWS_ENDPOINT_URL: z.url().optional(),
  SMTP_URL: z.string().optional(),
  SMTP_FROM: z.string().default("JIT Access Portal <no-reply@localhost>"),
  SLACK_WEBHOOK_URL: z.url().optional(),
};

type TShape = { [K in keyof typeof envShape]: z.infer<(typeof envShape)[K]> };

const isLoopbackHost = (hostname: string) => ["localhost", "127.0.0.1", "[::1]"].includes(hostname);

/**
 * Demo mode signs anyone in as any demo user, admin included, with no password. A production start
 * accepts it only when nothing real is within reach: AWS calls go to a simulator on this machine and
 * no identity provider is configured (a real deployment that sets DEMO_MODE by mistake stops here).
 */
function refuseDemoModeNearRealThings(v: TShape, ctx: z.RefinementCtx) {
  if (v.NODE_ENV !== "production" || !v.DEMO_MODE) return;
  const endpoint = v.AWS_ENDPOINT_URL ? new URL(v.AWS_ENDPOINT_URL) : null;
  if (!endpoint || !isLoopbackHost(endpoint.hostname)) {
    ctx.addIssue({ code: "custom", path: ["DEMO_MODE"], message: "is only for the demo (npm run demo): it needs AWS_ENDPOINT_URL on this machine (the simulator); unset DEMO_MODE on a real deployment" });
  }
  if (v.OIDC_ISSUER) {
    ctx.addIssue({ code: "custom", path: ["DEMO_MODE"], message: "cannot be on with OIDC_ISSUER set: demo sign-in needs no password; unset DEMO_MODE on a real deployment" });
  }
  if (v.DATABASE_URL) {
    ctx.addIssue({ code: "custom", path: ["DEMO_MODE"], message: "cannot be on with DATABASE_URL set: the demo uses its own embedded database; unset DEMO_MODE on a real deployment" });
  }
}

/** Cross-variable rules: production without demo mode needs real secrets and an identity provider. */
function requireInProduction(v: TShape, ctx: z.RefinementCtx) {
  refuseDemoModeNearRealThings(v, ctx);
  const production = v.NODE_ENV === "production" && !v.DEMO_MODE;
  if (!production) return;
  if (!v.DATABASE_URL) {
    if (!v.ALLOW_EMBEDDED_DATABASE) {
      ctx.addIssue({ code: "custom", path: ["DATABASE_URL"], message: "is required in production (DEMO_MODE off): a PostgreSQL URL; for a single-node install on the embedded database set ALLOW_EMBEDDED_DATABASE=1 and an absolute DATA_DIR on a lasting volume" });
    } else if (!path.isAbsolute(v.DATA_DIR)) {
      ctx.addIssue({ code: "custom", path: ["DATA_DIR"], message: "must be an absolute path on a lasting volume when production uses the embedded database" });
    }
  }
  const need: (keyof TShape)[] = ["NEXTAUTH_SECRET", "OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "ENCRYPTION_KEY"];
  for (const key of need) {
    if (!v[key]) ctx.addIssue({ code: "custom", path: [key], message: "is required in production (DEMO_MODE off)" });
  }
  // An unverified address may be one a user typed: re-linking by it would hand them that person's account.
  if (v.OIDC_ALLOW_UNVERIFIED_EMAIL && v.OIDC_RELINK_ACCOUNTS) {
    ctx.addIssue({ code: "custom", path: ["OIDC_RELINK_ACCOUNTS"], message: "cannot be used with OIDC_ALLOW_UNVERIFIED_EMAIL=1: an unverified address could take over another person's portal account" });
  }
  // An address the IdP did not verify may be one a user typed: it must not be what makes an admin.
  if (v.OIDC_ALLOW_UNVERIFIED_EMAIL && v.ADMIN_EMAILS.length > 0) {
    ctx.addIssue({ code: "custom", path: ["ADMIN_EMAILS"], message: "cannot be used with OIDC_ALLOW_UNVERIFIED_EMAIL=1 (an unverified address could claim an admin's): name admins with ADMIN_GROUPS instead" });
  }
  // next-auth marks its session cookie Secure (and __Secure- prefixed) only for an https NEXTAUTH_URL;
  // without one, the cookie would also travel over plain http. Loopback stays allowed for local checks.
  if (!v.NEXTAUTH_URL) {
    ctx.addIssue({ code: "custom", path: ["NEXTAUTH_URL"], message: "is required in production (DEMO_MODE off): the portal's public https URL" });
  } else {
    const url = new URL(v.NEXTAUTH_URL);
    if (url.protocol !== "https:" && !isLoopbackHost(url.hostname)) {
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
