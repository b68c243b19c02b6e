import "server-only";
import type { TDb } from "../db/client.ts";
import { canDecide } from "./approval-steps.ts";
import { getRequesterHistory, type TRequesterHistoryItem } from "./get-requester-history.ts";
import { ZApprovalSteps } from "./policy-schemas.ts";
import { readTargetSnapshot, type TTargetSummary } from "./read-target-snapshot.ts";
import { normalizeRequesterPrincipalId } from "./normalize-requester-principal-id.ts";
import { resolvePortalIdentity, type TPortalIdentity } from "./resolve-portal-identity.ts";
import { sessionsOutlastNote } from "./session-outlast.ts";
import { approvalBlockers } from "./target-availability.ts";

export type TInboxItem = {
  id: string;
  requester: { name: string | null; email: string };
  targetType: string;
  target: TTargetSummary;
  accessLevel: string;
  /** The exact inline IAM policy the grant will carry, pretty-printed (resource targets). */
  policyDocument: string | null;
  /** Existing permission sets and groups: how long sessions can outlast the access (sessionsOutlastNote). */
  sessionsOutlast: string | null;
  durationMinutes: number;
  startsAt: string | null;
  createdAt: string;
  justification: string;
  ticket: string | null;
  extendsGrantId: string | null;
  /** For an extension: when the access ends now (approved, it ends `durationMinutes` later). */
  extendsGrantExpiresAt: string | null;
  step: { index: number; name: string; count: number; quorum: number; approvals: number; approvedBy: string[] };
  /** Why it can no longer be approved (target gone, policy disabled), or null: the card says so and offers only Deny. */
  approvalBlocked: string | null;
  pendingExpiresAt: string | null;
  history: TRequesterHistoryItem[];
};

export type TApproverInbox = {
  items: TInboxItem[];
  /** False when the user matches no Identity Center user in any integration with pending requests. */
  linked: boolean;
};

const MAX_ITEMS = 100;
const HISTORY = 5;

function prettyPolicy(document: string | null): string | null {
  if (!document) return null;
  try {
    return JSON.stringify(JSON.parse(document), null, 2);
  } catch {
    return document;
  }
}

/**
 * The PENDING requests `user` may decide now: their Identity Center user or one of their groups is named
 * in the request's current step (canDecide on the frozen snapshot), not their own request (by portal user
 * and by Principal), not already decided by them at this step nor approved by them at an earlier one, not
 * past its pending timeout.
 * Assumes only that `user` is authenticated; the scope is computed here, so the route passes nothing else.
 */
export async function listApproverInbox(db: TDb, user: { id: string; email: string }, now = new Date()): Promise<TApproverInbox> {
  const candidates = await db.accessRequest.findMany({
    where: {
      status: "PENDING",
      requesterId: { not: user.id },
      OR: [{ pendingExpiresAt: null }, { pendingExpiresAt: { gt: now } }],
    },
    select: { id: true, integrationId: true, policySnapshot: true, currentStep: true, requesterPrincipalId: true },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });

  const linked = (await db.principal.count({ where: { type: "USER", email: user.email.trim().toLowerCase(), deletedAt: null } })) > 0;
  const identities = new Map<string, TPortalIdentity>();
  const decidable: string[] = [];
  for (const candidate of candidates) {
    let identity = identities.get(candidate.integrationId);
    if (!identity) {
      identity = await resolvePortalIdentity(db, user.email, candidate.integrationId);
      identities.set(candidate.integrationId, identity);
    }
    const steps = ZApprovalSteps.safeParse((candidate.policySnapshot as { approvalSteps?: unknown } | null)?.approvalSteps);
    const step = steps.success ? steps.data[candidate.currentStep] : undefined;
    if (!step) continue;
    const requesterPrincipalId = normalizeRequesterPrincipalId(candidate.requesterPrincipalId, identity);
    if (canDecide(step, { principalId: identity.principal?.id ?? null, groupIds: identity.standingGroupIds }, requesterPrincipalId)) {
      decidable.push(candidate.id);
    }
  }
  if (decidable.length === 0) return { items: [], linked };

  const rows = await db.accessRequest.findMany({
    where: { id: { in: decidable }, status: "PENDING" },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    include: {
      requester: { select: { name: true, email: true } },
      account: { select: { accountId: true, name: true, orgUnit: { select: { path: true } } } },
      resource: { select: { name: true, arn: true, type: true, region: true } },
      permissionSet: { select: { name: true, arn: true, sessionDuration: true } },
      group: { select: { displayName: true } },
      extendsGrant: { select: { expiresAt: true } },
      approvals: { select: { step: true, decision: true, approverId: true, approver: { select: { name: true, email: true } } } },
    },
  });

  // One history query per requester, not per request: an inbox is often one busy requester's batch.
  const perRequester = new Map<string, number>();
  for (const row of rows) perRequester.set(row.requesterId, (perRequester.get(row.requesterId) ?? 0) + 1);
  const histories = new Map<string, TRequesterHistoryItem[]>();
  for (const [requesterId, count] of perRequester) {
    histories.set(requesterId, await getRequesterHistory(db, requesterId, { limit: Math.min(HISTORY + count, 50) }));
  }

  const blockers = await approvalBlockers(db, rows);
  const items: TInboxItem[] = [];
  for (const row of rows) {
    // Already decided by this user at this step, or approved by them at an earlier one (each step needs
    // a different approver): nothing more for them to do.
    if (row.approvals.some((a) => a.approverId === user.id && (a.step === row.currentStep || (a.step < row.currentStep && a.decision === "APPROVE")))) continue;
    const steps = ZApprovalSteps.parse((row.policySnapshot as { approvalSteps?: unknown }).approvalSteps);
    const step = steps[row.currentStep];
    if (!step) continue;
    const approvedHere = row.approvals.filter((a) => a.step === row.currentStep && a.decision === "APPROVE");
    const snapshot = readTargetSnapshot(row.targetSnapshot);
    const approvalBlocked = blockers.get(row.id) ?? null;
    items.push({
      approvalBlocked,
      id: row.id,
      requester: row.requester,
      targetType: row.targetType,
      target: {
        name: snapshot.name ?? row.resource?.name ?? row.permissionSet?.name ?? row.group?.displayName ?? null,
        type: snapshot.type ?? row.resource?.type ?? row.targetType,
        arn: snapshot.arn ?? row.resource?.arn ?? row.permissionSet?.arn ?? null,
        region: snapshot.region ?? row.resource?.region ?? null,
        accountId: snapshot.accountId ?? row.account?.accountId ?? null,
        accountName: snapshot.accountName ?? row.account?.name ?? null,
        ouPath: snapshot.ouPath ?? row.account?.orgUnit?.path ?? null,
      },
      accessLevel: row.accessLevel,
      policyDocument: prettyPolicy(row.policyDocument),
      sessionsOutlast: sessionsOutlastNote(row.targetType, row.permissionSet?.sessionDuration),
      durationMinutes: row.durationMinutes,
      startsAt: row.startsAt?.toISOString() ?? null,
      createdAt: row.createdAt.toISOString(),
      justification: row.justification,
      ticket: row.ticket,
      extendsGrantId: row.extendsGrantId,
      extendsGrantExpiresAt: row.extendsGrant?.expiresAt.toISOString() ?? null,
      step: {
        index: row.currentStep,
        name: step.name,
        count: steps.length,
        quorum: step.quorum,
        approvals: approvedHere.length,
        approvedBy: approvedHere.map((a) => a.approver.name ?? a.approver.email),
      },
      pendingExpiresAt: row.pendingExpiresAt?.toISOString() ?? null,
      history: (histories.get(row.requesterId) ?? []).filter((h) => h.id !== row.id).slice(0, HISTORY),
    });
    if (items.length >= MAX_ITEMS) break;
  }
  return { items, linked };
}
