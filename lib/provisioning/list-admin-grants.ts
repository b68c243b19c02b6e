import "server-only";
import { accessLevelLabel } from "../access/access-levels.ts";
import type { TDb } from "../db/client.ts";
import { buildReconcileReports, type TIntegrationReconcile } from "./reconcile-report.ts";

export type TAdminGrantRow = {
  id: string;
  state: string;
  kind: string;
  step: string | null;
  user: { email: string; name: string | null };
  awsAccountId: string | null;
  accountName: string | null;
  target: string;
  accessLevel: string;
  permissionSetName: string | null;
  groupName: string | null;
  preExisting: boolean;
  startsAt: string;
  activatedAt: string | null;
  expiresAt: string;
  endedAt: string | null;
  attempts: number;
  lastError: string | null;
  statusMessage: string | null;
  sessionsMayRemainUntil: string | null;
  revokeRequested: boolean;
  revokeReason: string | null;
  canRevoke: boolean;
  canRetry: boolean;
};


export type TAdminGrants = {
  /** FAILED grants first (they need an admin), then the live ones by state and expiry. */
  live: TAdminGrantRow[];
  recent: TAdminGrantRow[];
  /** Grants that ended in the last 7 days, counted: `recent` holds the newest RECENT_LIMIT of them. */
  recentTotal: number;
  /** One entry per integration that has reconciled: a run in progress and the last complete pass. */
  reconcile: TIntegrationReconcile[];
  /** Counted in the database, so they hold when `live` was cut short. */
  totals: { live: number; active: number; failed: number };
  /** Some live or failed grants are not in `live`: the page says so. */
  truncated: boolean;
  generatedAt: string;
};

const RECENT_MS = 7 * 24 * 3_600_000;
const LIVE_STATES = ["APPROVED", "PROVISIONING", "ACTIVE", "REVOKING"] as const;
/** Per list: live grants, and failed ones. Failed grants are read on their own so live ones never crowd them out. */
export const ADMIN_GRANTS_LIMIT = 300;
/** Grants that ended recently shown at most (newest first); the page says when there are more. */
export const RECENT_LIMIT = 100;

function targetName(snapshot: unknown, fallback: string): string {
  const s = (snapshot ?? {}) as Record<string, unknown>;
  const name = typeof s.name === "string" ? s.name : typeof s.displayName === "string" ? s.displayName : null;
  return name ?? fallback;
}

/**
 * Failed and live grants (up to ADMIN_GRANTS_LIMIT of each) and those that ended in the last 7 days, with
 * who, what, where, when and the worker's last error, plus the latest reconcile runs. Admin data: includes raw
 * AWS error text. Assumes the caller checked the admin role.
 */
export async function listAdminGrants(db: TDb, now = new Date()): Promise<TAdminGrants> {
  const include = {
    request: {
      select: {
        accessLevel: true,
        targetType: true,
        targetSnapshot: true,
        requester: { select: { email: true, name: true } },
        resource: { select: { name: true, type: true } },
        permissionSet: { select: { name: true } },
        group: { select: { displayName: true } },
        account: { select: { name: true } },
      },
    },
  } as const;
  const recentWhere = { state: { in: ["EXPIRED" as const, "REVOKED" as const] }, endedAt: { gt: new Date(now.getTime() - RECENT_MS) } };
  const [failed, live, counts, recent, runs, recentCount] = await Promise.all([
    db.grant.findMany({ where: { state: "FAILED" }, include, orderBy: [{ updatedAt: "desc" }, { id: "asc" }], take: ADMIN_GRANTS_LIMIT }),
    db.grant.findMany({
      where: { state: { in: [...LIVE_STATES] } },
      include,
      orderBy: [{ state: "asc" }, { expiresAt: "asc" }, { id: "asc" }],
      take: ADMIN_GRANTS_LIMIT,
    }),
    db.grant.groupBy({ by: ["state"], where: { state: { in: [...LIVE_STATES, "FAILED"] } }, _count: { _all: true } }),
    db.grant.findMany({ where: recentWhere, include, orderBy: { endedAt: "desc" }, take: RECENT_LIMIT }),
    // Enough recent runs per integration to hold a pass cut into continuations by the tick's time budget.
    db.integration.findMany({ select: { id: true, name: true, reconcileRuns: { orderBy: { startedAt: "desc" }, take: 50 } } }),
    db.grant.count({ where: recentWhere }),
  ]);
  const count = (states: readonly string[]) => counts.filter((c) => states.includes(c.state)).reduce((sum, c) => sum + c._count._all, 0);
  // Counted in another read than the lists: never fewer than what is shown.
  const totals = { live: Math.max(count(LIVE_STATES), live.length), active: count(["ACTIVE"]), failed: Math.max(count(["FAILED"]), failed.length) };
  const row = (g: (typeof live)[number]): TAdminGrantRow => {
    const r = g.request;
    const fallback = r.resource?.name ?? r.permissionSet?.name ?? r.group?.displayName ?? g.permissionSetName ?? g.groupAwsId ?? "—";
    return {
      id: g.id,
      state: g.state,
      kind: g.kind,
      step: g.step,
      user: { email: r.requester.email, name: r.requester.name },
      awsAccountId: g.awsAccountId,
      accountName: r.account?.name ?? null,
      target: targetName(r.targetSnapshot, fallback),
      accessLevel: accessLevelLabel(r.resource?.type ?? r.targetType, r.accessLevel),
      permissionSetName: g.permissionSetName,
      groupName: r.group?.displayName ?? null,
      preExisting: g.preExisting,
      startsAt: g.startsAt.toISOString(),
      activatedAt: g.activatedAt?.toISOString() ?? null,
      expiresAt: g.expiresAt.toISOString(),
      endedAt: g.endedAt?.toISOString() ?? null,
      attempts: g.attempts,
      lastError: g.lastError,
      statusMessage: g.statusMessage,
      sessionsMayRemainUntil: g.sessionsMayRemainUntil?.toISOString() ?? null,
      revokeRequested: !!g.revokedById,
      revokeReason: g.revokeReason,
      canRevoke: ["APPROVED", "PROVISIONING", "ACTIVE"].includes(g.state) && !g.revokedById,
      canRetry: g.state === "FAILED" && g.step === null,
    };
  };
  return {
    live: [...failed, ...live].map(row),
    recent: recent.map(row),
    recentTotal: Math.max(recentCount, recent.length),
    reconcile: buildReconcileReports(
      runs.flatMap((i) => i.reconcileRuns.map((r) => ({ ...r, integrationName: i.name }))),
      now,
    ),
    totals,
    truncated: failed.length < totals.failed || live.length < totals.live,
    generatedAt: now.toISOString(),
  };
}
