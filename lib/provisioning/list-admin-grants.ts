import "server-only";
import { accessLevelLabel } from "../access/access-levels.ts";
import type { TDb } from "../db/client.ts";
import type { TReconcileFinding } from "./reconcile-integration.ts";

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

export type TAdminReconcileRun = { id: string; integrationName: string; trigger: string; status: string; startedAt: string; finishedAt: string | null; findings: TReconcileFinding[] };

export type TAdminGrants = { live: TAdminGrantRow[]; recent: TAdminGrantRow[]; reconcile: TAdminReconcileRun[]; generatedAt: string };

const RECENT_MS = 7 * 24 * 3_600_000;
const LIMIT = 300;

function targetName(snapshot: unknown, fallback: string): string {
  const s = (snapshot ?? {}) as Record<string, unknown>;
  const name = typeof s.name === "string" ? s.name : typeof s.displayName === "string" ? s.displayName : null;
  return name ?? fallback;
}

/**
 * Every live grant (and those that ended in the last 7 days) with who, what, where, when and the
 * worker's last error, plus the latest reconcile run per integration. Admin data: includes raw
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
  const [live, recent, runs] = await Promise.all([
    db.grant.findMany({ where: { OR: [{ state: { in: ["APPROVED", "PROVISIONING", "ACTIVE", "REVOKING"] } }, { state: "FAILED" }] }, include, orderBy: [{ state: "asc" }, { expiresAt: "asc" }], take: LIMIT }),
    db.grant.findMany({ where: { state: { in: ["EXPIRED", "REVOKED"] }, endedAt: { gt: new Date(now.getTime() - RECENT_MS) } }, include, orderBy: { endedAt: "desc" }, take: 100 }),
    db.reconcileRun.findMany({ orderBy: { startedAt: "desc" }, take: 5, include: { integration: { select: { name: true } } } }),
  ]);
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
    live: live.map(row),
    recent: recent.map(row),
    reconcile: runs.map((r) => ({
      id: r.id,
      integrationName: r.integration.name,
      trigger: r.trigger,
      status: r.status,
      startedAt: r.startedAt.toISOString(),
      finishedAt: r.finishedAt?.toISOString() ?? null,
      findings: (Array.isArray(r.findings) ? r.findings : []) as TReconcileFinding[],
    })),
    generatedAt: now.toISOString(),
  };
}
