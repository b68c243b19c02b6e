import "server-only";
import type { TTx } from "../audit/append-audit-event.ts";
import { ZApprovalSteps } from "../access/policy-schemas.ts";
import { readTargetSnapshot } from "../access/read-target-snapshot.ts";
import type { TOutboundMessage } from "./deliver-notifications.ts";
import { findStepApprovers } from "./find-step-approvers.ts";

export type TRequestEvent =
  /** Just submitted: pending for the first step's approvers, or auto-approved. */
  | { type: "SUBMITTED" }
  /** An approver's decision was recorded; `outcome` is where the request stands after it. */
  | { type: "DECIDED"; decision: "APPROVE" | "DENY"; approverName: string; comment: string | null; outcome: "RECORDED" | "ADVANCED" | "APPROVED" | "DENIED" }
  | { type: "TIMED_OUT" }
  /** An extension request closed by the system because the access it would extend has ended. */
  | { type: "EXTENDED_ACCESS_ENDED" };

function formatDuration(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440} day${minutes === 1440 ? "" : "s"}`;
  if (minutes % 60 === 0) return `${minutes / 60} hour${minutes === 60 ? "" : "s"}`;
  return `${minutes} minutes`;
}

/**
 * Writes the in-app notifications an event on one request causes, in the caller's transaction (so they
 * commit with the change or not at all), and returns the email/Slack messages to deliver after commit
 * with deliverNotifications. Assumes the caller authorized and performed the change it reports.
 */
export async function recordRequestNotifications(tx: TTx, requestId: string, event: TRequestEvent): Promise<TOutboundMessage[]> {
  const request = await tx.accessRequest.findUniqueOrThrow({
    where: { id: requestId },
    include: {
      requester: { select: { id: true, email: true, name: true } },
      account: { select: { accountId: true, name: true } },
      resource: { select: { name: true } },
      permissionSet: { select: { name: true } },
      group: { select: { displayName: true } },
    },
  });
  const target = readTargetSnapshot(request.targetSnapshot);
  const targetName = target.name ?? request.resource?.name ?? request.permissionSet?.name ?? request.group?.displayName ?? "a target";
  const accountName = target.accountName ?? request.account?.name ?? null;
  const where = accountName ? ` in ${accountName}` : "";
  const what = `${request.accessLevel} access to ${targetName}${where} for ${formatDuration(request.durationMinutes)}`;
  const requesterName = request.requester.name ?? request.requester.email;
  const messages: TOutboundMessage[] = [];
  const inApp: { userId: string; kind: string; title: string; body: string; link: string }[] = [];

  /** `channel`: the Slack post, in the third person and without comments (null: not posted). */
  const toRequester = (kind: string, title: string, body: string, channel: string | null) => {
    inApp.push({ userId: request.requesterId, kind, title, body, link: "/requests" });
    messages.push({ to: [request.requester.email], subject: title, text: body, link: "/requests", slack: channel, slackLink: null });
  };

  const toCurrentApprovers = async (kind: string, title: string, body: string) => {
    const parsed = ZApprovalSteps.safeParse((request.policySnapshot as { approvalSteps?: unknown } | null)?.approvalSteps);
    const step = parsed.success ? parsed.data[request.currentStep] : undefined;
    if (!step) return;
    // Whoever approved an earlier step cannot decide this one: not asked again.
    const approvedEarlier = await tx.approval.findMany({ where: { requestId: request.id, step: { lt: request.currentStep }, decision: "APPROVE" }, select: { approverId: true } });
    const earlier = new Set(approvedEarlier.map((a) => a.approverId));
    const approvers = (await findStepApprovers(tx, { step, requesterPrincipalId: request.requesterPrincipalId, requesterUserId: request.requesterId })).filter((a) => !a.userId || !earlier.has(a.userId));
    for (const approver of approvers) {
      if (approver.userId) inApp.push({ userId: approver.userId, kind, title, body, link: "/approvals" });
    }
    const emails = approvers.map((a) => a.email).filter((e): e is string => Boolean(e));
    // The channel is where approvers pick requests up: it gets the same text, justification included.
    messages.push({ to: emails, subject: title, text: body, link: "/approvals", slack: body });
  };

  switch (event.type) {
    case "SUBMITTED":
      if (request.status === "PENDING") {
        await toCurrentApprovers("request.awaiting_decision", `${requesterName} requests ${request.accessLevel} access to ${targetName}`, `${requesterName} requests ${what}.${request.justification ? `\nJustification: ${request.justification}` : ""}\nIt waits for your decision.`);
      } else if (request.status === "APPROVED") {
        toRequester("request.approved", `Approved automatically: ${targetName}`, `Your request for ${what} was approved automatically by policy. Access is being set up.`, null);
      }
      break;
    case "DECIDED": {
      const said = event.comment ? `\nComment: ${event.comment}` : "";
      if (event.outcome === "DENIED") {
        toRequester("request.denied", `Denied: ${targetName}`, `${event.approverName} denied your request for ${what}.${said}`, `${event.approverName} denied ${requesterName}'s request for ${what}.`);
      } else if (event.outcome === "APPROVED") {
        toRequester("request.approved", `Approved: ${targetName}`, `${event.approverName} approved your request for ${what}. Access is being set up.${said}`, `${event.approverName} approved ${requesterName}'s request for ${what}.`);
      } else {
        toRequester("request.approval_recorded", `${event.approverName} approved your request for ${targetName}`, `${event.approverName} approved your request for ${what}; it needs further approval.${said}`, null);
        if (event.outcome === "ADVANCED") {
          await toCurrentApprovers("request.awaiting_decision", `${requesterName} requests ${request.accessLevel} access to ${targetName}`, `${requesterName} requests ${what}. The previous approval step is complete; it now waits for your decision.`);
        }
      }
      break;
    }
    case "TIMED_OUT":
      toRequester("request.timed_out", `Timed out: ${targetName}`, `Your request for ${what} was not decided in time and has timed out. Request it again if you still need it.`, `${requesterName}'s request for ${what} was not decided in time and has timed out.`);
      break;
    case "EXTENDED_ACCESS_ENDED":
      toRequester(
        "request.extension_closed",
        `Extension closed: ${targetName}`,
        `Your request to extend ${request.accessLevel} access to ${targetName}${where} was closed without a decision: that access has already ended. Request it again from the catalog if you still need it.`,
        null,
      );
      break;
  }

  if (inApp.length > 0) await tx.notification.createMany({ data: inApp });
  return messages;
}
