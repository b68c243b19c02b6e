import "server-only";
import type { TDb } from "../db/client.ts";
import { AppError } from "../errors/app-error.ts";
import { formatDuration } from "../format/time.ts";
import { isAccessLevel, describeAccessLevel } from "./access-levels";
import { isTargetType } from "./target-types";
import { Prisma } from "../db/generated/client.ts";
import { ENDED_GRANT_STATES } from "./expire-pending-requests.ts";
import { accessPortalUrl } from "../aws/partition.ts";

export type TTimelineEntry = {
  at: string | null;
  kind: "submitted" | "decision" | "approved" | "denied" | "cancelled" | "timed_out" | "grant";
  tone: "neutral" | "green" | "amber" | "red" | "blue";
  label: string;
  detail: string | null;
  /** A time still to come ("Times out", "Starts", "Until"), for the client to format in the viewer's zone. */
  due: { label: string; at: string } | null;
};

export type TRequestView = {
  id: string;
  status: "PENDING" | "APPROVED" | "DENIED" | "CANCELLED" | "TIMED_OUT";
  createdAt: string;
  decidedAt: string | null;
  target: { type: string; name: string; arn: string | null; accountId: string | null; accountName: string | null; ouPath: string | null };
  accessLevel: string;
  accessLevelLabel: string;
  durationMinutes: number;
  startsAt: string | null;
  justification: string;
  ticket: string | null;
  extendsGrantId: string | null;
  autoApprove: boolean;
  currentStep: number;
  steps: { name: string; quorum: number }[];
  pendingExpiresAt: string | null;
  grant: {
    id: string;
    state: "APPROVED" | "PROVISIONING" | "ACTIVE" | "REVOKING" | "EXPIRED" | "REVOKED" | "FAILED";
    startsAt: string;
    expiresAt: string;
    activatedAt: string | null;
    endedAt: string | null;
    /** Requester-safe status from the worker (never the raw AWS error, which only admins see). */
    statusMessage: string | null;
    /** Existing permission sets and groups: sessions opened before removal may last until then. */
    sessionsMayRemainUntil: string | null;
    permissionSetName: string | null;
    awsAccountId: string | null;
    revokeRequested: boolean;
    revokeReason: string | null;
  } | null;
  /** The AWS access portal of the integration's partition (accessPortalUrl), where the user signs in to use the access. */
  accessPortalUrl: string | null;
  timeline: TTimelineEntry[];
  canCancel: boolean;
  canExtend: boolean;
  canRevoke: boolean;
};

export const REQUEST_VIEW_INCLUDE = {
  approvals: { orderBy: { createdAt: "asc" }, include: { approver: { select: { name: true, email: true } } } },
  grant: true,
  extendsGrant: { select: { state: true, revokedById: true } },
  integration: { select: { identityStoreId: true, region: true, ssoRegion: true } },
} satisfies Prisma.AccessRequestInclude;

type TRequestRow = Prisma.AccessRequestGetPayload<{ include: typeof REQUEST_VIEW_INCLUDE }>;

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);

function snapshotSteps(snapshot: unknown): { autoApprove: boolean; steps: { name: string; quorum: number }[] } {
  const value = (snapshot ?? {}) as { autoApprove?: unknown; approvalSteps?: unknown };
  const steps = Array.isArray(value.approvalSteps)
    ? value.approvalSteps.map((s: { name?: unknown; quorum?: unknown }) => ({
        name: typeof s?.name === "string" ? s.name : "Approval",
        quorum: typeof s?.quorum === "number" ? s.quorum : 1,
      }))
    : [];
  return { autoApprove: value.autoApprove === true, steps };
}

function snapshotTarget(row: TRequestRow): TRequestView["target"] {
  const s = (row.targetSnapshot ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" ? v : null);
  return {
    type: str(s.type) ?? row.targetType,
    name: str(s.name) ?? "(unknown target)",
    arn: str(s.arn),
    accountId: str(s.accountId),
    accountName: str(s.accountName),
    ouPath: str(s.ouPath),
  };
}

/**
 * Shapes one request (with its approvals, grant and integration) into what My requests shows: the
 * status timeline and the actions still possible. Pure apart from `now`.
 */
/** An approval taken back (its approver was disabled, disableUser): the Approval row is gone, the audit log keeps it. */
export type TWithdrawnApproval = { at: Date; fromStep: number; toStep: number };

/**
 * The approvals withdrawn from these requests, by request id, from the audit log (approval.withdrawn events
 * are the only record once the vote is removed). One query. Read-only.
 */
export async function loadWithdrawnApprovals(db: TDb, requestIds: readonly string[]): Promise<Map<string, TWithdrawnApproval[]>> {
  const out = new Map<string, TWithdrawnApproval[]>();
  if (requestIds.length === 0) return out;
  const events = await db.auditEvent.findMany({
    where: { action: "approval.withdrawn", subjectType: "AccessRequest", subjectId: { in: [...requestIds] } },
    orderBy: { seq: "asc" },
    select: { subjectId: true, createdAt: true, details: true },
  });
  for (const e of events) {
    if (!e.subjectId) continue;
    const d = (e.details ?? {}) as { fromStep?: unknown; toStep?: unknown };
    const entry = { at: e.createdAt, fromStep: typeof d.fromStep === "number" ? d.fromStep : 0, toStep: typeof d.toStep === "number" ? d.toStep : 0 };
    out.set(e.subjectId, [...(out.get(e.subjectId) ?? []), entry]);
  }
  return out;
}

export function toRequestView(row: TRequestRow, now = new Date(), withdrawn: readonly TWithdrawnApproval[] = []): TRequestView {
  const target = snapshotTarget(row);
  const { autoApprove, steps } = snapshotSteps(row.policySnapshot);
  const levelLabel =
    isTargetType(target.type) && isAccessLevel(target.type, row.accessLevel) ? describeAccessLevel(target.type, row.accessLevel).label : row.accessLevel;
  const timeline: TTimelineEntry[] = [
    {
      at: row.createdAt.toISOString(),
      kind: "submitted",
      tone: "neutral",
      label: row.extendsGrantId ? `Extension of ${formatDuration(row.durationMinutes)} requested` : "Submitted",
      detail: `${levelLabel} for ${formatDuration(row.durationMinutes)}${row.ticket ? ` · ticket ${row.ticket}` : ""}`,
      due: null,
    },
  ];
  for (const approval of row.approvals) {
    const who = approval.approver.name ?? approval.approver.email;
    const stepName = steps[approval.step]?.name ?? `step ${approval.step + 1}`;
    timeline.push({
      at: approval.createdAt.toISOString(),
      kind: "decision",
      tone: approval.decision === "APPROVE" ? "green" : "red",
      label: `${who} ${approval.decision === "APPROVE" ? "approved" : "denied"} (${stepName})`,
      detail: approval.comment,
      due: null,
    });
  }
  for (const w of withdrawn) {
    // Who it was and why stay in the audit log: the requester learns only that a vote no longer counts.
    const stepName = steps[w.toStep]?.name ?? `step ${w.toStep + 1}`;
    timeline.push({
      at: w.at.toISOString(),
      kind: "decision",
      tone: "amber",
      label: "An approval no longer counts",
      detail: row.status === "PENDING" ? `${w.toStep < w.fromStep ? `The request is back at ${stepName} and` : "It"} waits for another approval.` : null,
      due: null,
    });
  }
  timeline.sort((a, b) => (a.at ?? "").localeCompare(b.at ?? ""));
  const decided = iso(row.decidedAt);
  if (row.status === "APPROVED") {
    timeline.push({ at: decided, kind: "approved", tone: "green", label: autoApprove ? "Approved automatically by policy" : "Approved", detail: null, due: null });
  } else if (row.status === "DENIED") {
    timeline.push({ at: decided, kind: "denied", tone: "red", label: "Denied", detail: null, due: null });
  } else if (row.status === "CANCELLED") {
    // The worker closes an extension whose access has ended (expire-pending-requests.ts); otherwise the requester cancelled.
    const closedBySystem = row.extendsGrant !== null && (ENDED_GRANT_STATES.includes(row.extendsGrant.state) || row.extendsGrant.revokedById !== null);
    timeline.push({
      at: decided,
      kind: "cancelled",
      tone: "neutral",
      label: closedBySystem ? "Closed: the access it extends has ended" : "Cancelled by you",
      detail: closedBySystem ? "Request it again from the catalog if you still need it." : null,
      due: null,
    });
  } else if (row.status === "TIMED_OUT") {
    timeline.push({ at: decided ?? iso(row.pendingExpiresAt), kind: "timed_out", tone: "amber", label: "Timed out without a decision", detail: null, due: null });
  } else {
    const step = steps[row.currentStep];
    timeline.push({
      at: null,
      kind: "decision",
      tone: "amber",
      label: step ? `Waiting for approval: ${step.name} (step ${row.currentStep + 1} of ${steps.length}, ${step.quorum} needed)` : "Waiting for approval",
      detail: null,
      due: row.pendingExpiresAt ? { label: "Times out", at: row.pendingExpiresAt.toISOString() } : null,
    });
  }

  const grant = row.grant;
  if (grant) {
    const until = grant.expiresAt.toISOString();
    switch (grant.state) {
      case "APPROVED":
        timeline.push(
          grant.startsAt > now
            ? { at: null, kind: "grant", tone: "blue", label: "Scheduled", detail: null, due: { label: "Access starts", at: grant.startsAt.toISOString() } }
            : { at: null, kind: "grant", tone: "blue", label: "Queued for provisioning", detail: null, due: null },
        );
        break;
      case "PROVISIONING":
        timeline.push({ at: null, kind: "grant", tone: "blue", label: "Provisioning in AWS", detail: grant.statusMessage, due: null });
        break;
      case "ACTIVE":
        timeline.push({ at: iso(grant.activatedAt), kind: "grant", tone: "green", label: "Active", detail: grant.revokedById ? "Ending: revoke requested" : null, due: { label: "Until", at: until } });
        break;
      case "REVOKING":
        timeline.push({ at: iso(grant.activatedAt), kind: "grant", tone: "green", label: "Was active", detail: null, due: null });
        timeline.push({ at: null, kind: "grant", tone: "amber", label: "Removing access", detail: null, due: null });
        break;
      case "EXPIRED":
        timeline.push({ at: iso(grant.activatedAt), kind: "grant", tone: "green", label: "Was active", detail: null, due: null });
        timeline.push({ at: iso(grant.endedAt), kind: "grant", tone: "neutral", label: "Expired", detail: sessionsNote(grant.sessionsMayRemainUntil) ?? grant.statusMessage, due: null });
        break;
      case "REVOKED":
        if (grant.activatedAt) timeline.push({ at: iso(grant.activatedAt), kind: "grant", tone: "green", label: "Was active", detail: null, due: null });
        timeline.push({ at: iso(grant.endedAt), kind: "grant", tone: "neutral", label: "Revoked", detail: [grant.revokeReason, sessionsNote(grant.sessionsMayRemainUntil)].filter(Boolean).join(" · ") || null, due: null });
        break;
      case "FAILED":
        timeline.push({ at: iso(grant.endedAt) ?? iso(grant.updatedAt), kind: "grant", tone: "red", label: "Provisioning failed", detail: grant.statusMessage ?? "The portal could not set up this access in AWS. An admin has the details and can retry it.", due: null });
        break;
    }
  }

  const live = grant && ["APPROVED", "PROVISIONING", "ACTIVE"].includes(grant.state) && !grant.revokedById;
  return {
    id: row.id,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    decidedAt: decided,
    target,
    accessLevel: row.accessLevel,
    accessLevelLabel: levelLabel,
    durationMinutes: row.durationMinutes,
    startsAt: iso(row.startsAt),
    justification: row.justification,
    ticket: row.ticket,
    extendsGrantId: row.extendsGrantId,
    autoApprove,
    currentStep: row.currentStep,
    steps,
    pendingExpiresAt: iso(row.pendingExpiresAt),
    grant: grant
      ? {
          id: grant.id,
          state: grant.state,
          startsAt: grant.startsAt.toISOString(),
          expiresAt: grant.expiresAt.toISOString(),
          activatedAt: iso(grant.activatedAt),
          endedAt: iso(grant.endedAt),
          statusMessage: grant.statusMessage,
          sessionsMayRemainUntil: iso(grant.sessionsMayRemainUntil),
          permissionSetName: grant.permissionSetName,
          awsAccountId: grant.awsAccountId,
          revokeRequested: grant.revokedById !== null,
          revokeReason: grant.revokeReason,
        }
      : null,
    accessPortalUrl: row.integration.identityStoreId ? accessPortalUrl(row.integration.identityStoreId, row.integration.ssoRegion ?? row.integration.region) : null,
    timeline,
    canCancel: row.status === "PENDING",
    canExtend: Boolean(live && grant && grant.expiresAt > now),
    canRevoke: Boolean(live),
  };
}

/**
 * One of the signed-in user's requests with its timeline. The owner is in the `where`: another user's
 * request id is NOT_FOUND. Assumes the caller authenticated `userId`.
 */
export async function getRequestTimeline(db: TDb, userId: string, requestId: string, now = new Date()): Promise<TRequestView> {
  const row = await db.accessRequest.findFirst({ where: { id: requestId, requesterId: userId }, include: REQUEST_VIEW_INCLUDE });
  if (!row) throw new AppError("NOT_FOUND", { message: `request ${requestId} not found for ${userId}`, userMessage: "Request not found." });
  return toRequestView(row, now, (await loadWithdrawnApprovals(db, [row.id])).get(row.id));
}

function sessionsNote(until: Date | null): string | null {
  return until ? `AWS sessions opened before removal may last until ${until.toISOString().replace("T", " ").slice(0, 16)} UTC` : null;
}
