import "server-only";
import type { TDb } from "../db/client.ts";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import { deliverNotifications, type TOutboundMessage } from "../notifications/deliver-notifications.ts";
import type { TNotificationChannels } from "../notifications/notification-channels.ts";
import { recordRequestNotifications } from "../notifications/record-request-notifications.ts";

const BATCH = 100;

/**
 * Moves PENDING requests whose pendingExpiresAt has passed to TIMED_OUT, one transaction each
 * (conditional on still PENDING and still past due, audited, requester notified in-app), then emails.
 * The worker tick calls it; it is the system acting, so it assumes no user authorization.
 * A request decided at the same moment keeps its decision: the conditional update then matches nothing.
 */
export async function expirePendingRequests(
  db: TDb,
  now: Date = new Date(),
  options: { channels?: TNotificationChannels } = {},
): Promise<{ timedOut: number }> {
  let timedOut = 0;
  const outbound: TOutboundMessage[] = [];
  let cursor: string | undefined;
  for (;;) {
    const due = await db.accessRequest.findMany({
      where: { status: "PENDING", pendingExpiresAt: { lte: now }, ...(cursor ? { id: { gt: cursor } } : {}) },
      orderBy: { id: "asc" },
      take: BATCH,
      select: { id: true, integrationId: true, pendingExpiresAt: true, currentStep: true, account: { select: { accountId: true } } },
    });
    if (due.length === 0) break;
    cursor = due[due.length - 1]?.id;
    for (const request of due) {
      try {
        const messages = await db.$transaction(async (tx) => {
          const updated = await tx.accessRequest.updateMany({
            where: { id: request.id, status: "PENDING", pendingExpiresAt: { lte: now } },
            data: { status: "TIMED_OUT", decidedAt: now },
          });
          if (updated.count !== 1) return null;
          await appendAuditEvent(tx, {
            actor: "system",
            action: "request.timed_out",
            subjectType: "AccessRequest",
            subjectId: request.id,
            integrationId: request.integrationId,
            awsAccountId: request.account?.accountId ?? null,
            details: { pendingExpiresAt: request.pendingExpiresAt?.toISOString() ?? null, atStep: request.currentStep },
          });
          return recordRequestNotifications(tx, request.id, { type: "TIMED_OUT" });
        });
        if (messages) {
          timedOut += 1;
          outbound.push(...messages);
        }
      } catch (error) {
        // One broken row must not stop the others from timing out; the next tick retries it.
        console.error("expirePendingRequests: could not time out request", { requestId: request.id, error: error instanceof Error ? error.message : String(error) });
      }
    }
    if (due.length < BATCH) break;
  }
  await deliverNotifications(outbound, options.channels);
  return { timedOut };
}
