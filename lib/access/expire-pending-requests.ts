import "server-only";
import type { TDb } from "../db/client.ts";
import type { GrantState, Prisma } from "../db/generated/client.ts";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import { deliverNotifications, type TOutboundMessage } from "../notifications/deliver-notifications.ts";
import type { TNotificationChannels } from "../notifications/notification-channels.ts";
import { recordRequestNotifications, type TRequestEvent } from "../notifications/record-request-notifications.ts";

const BATCH = 100;

/** Grant states after which an extension has nothing left to extend. */
export const ENDED_GRANT_STATES: readonly GrantState[] = ["REVOKING", "EXPIRED", "REVOKED", "FAILED"];

const PENDING_SELECT = {
  id: true,
  integrationId: true,
  pendingExpiresAt: true,
  currentStep: true,
  account: { select: { accountId: true } },
  extendsGrant: { select: { id: true, state: true } },
} satisfies Prisma.AccessRequestSelect;

type TPending = Prisma.AccessRequestGetPayload<{ select: typeof PENDING_SELECT }>;

type TClosing = {
  /** Which PENDING requests to close; applied again inside each transaction, so a request decided meanwhile keeps its decision. */
  where: Prisma.AccessRequestWhereInput;
  status: "TIMED_OUT" | "CANCELLED";
  action: string;
  details: (r: TPending) => Record<string, unknown>;
  event: TRequestEvent;
};

/**
 * Closes the PENDING requests nobody can decide any more, one transaction each (conditional on still
 * PENDING, audited, requester notified in-app), then emails:
 * - past their pendingExpiresAt: TIMED_OUT;
 * - extensions whose grant has ended (expired, revoked or revoke requested, failed): CANCELLED, since approving them
 *   could only fail ("the access this extends has already ended") and they would sit in the
 *   approvers' inbox until they timed out.
 * The worker tick calls it; it is the system acting, so it assumes no user authorization.
 */
export async function expirePendingRequests(
  db: TDb,
  now: Date = new Date(),
  options: { channels?: TNotificationChannels; defer?: (task: () => Promise<unknown>) => void } = {},
): Promise<{ timedOut: number; extensionsClosed: number }> {
  const outbound: TOutboundMessage[] = [];
  const timedOut = await closeAll(db, now, outbound, {
    where: { pendingExpiresAt: { lte: now } },
    status: "TIMED_OUT",
    action: "request.timed_out",
    details: (r) => ({ pendingExpiresAt: r.pendingExpiresAt?.toISOString() ?? null, atStep: r.currentStep }),
    event: { type: "TIMED_OUT" },
  });
  const extensionsClosed = await closeAll(db, now, outbound, {
    // A revoked grant still ACTIVE until the worker gets to it has ended too.
    where: { extendsGrant: { OR: [{ state: { in: [...ENDED_GRANT_STATES] } }, { revokedById: { not: null } }] } },
    status: "CANCELLED",
    action: "request.extension_closed",
    details: (r) => ({ grantId: r.extendsGrant?.id ?? null, grantState: r.extendsGrant?.state ?? null, atStep: r.currentStep }),
    event: { type: "EXTENDED_ACCESS_ENDED" },
  });
  // Email/Slack after commit; the worker defers it so a slow mail server cannot hold the tick.
  if (options.defer) options.defer(() => deliverNotifications(outbound, options.channels));
  else await deliverNotifications(outbound, options.channels);
  return { timedOut, extensionsClosed };
}

async function closeAll(db: TDb, now: Date, outbound: TOutboundMessage[], c: TClosing): Promise<number> {
  let closed = 0;
  let cursor: string | undefined;
  for (;;) {
    const due = await db.accessRequest.findMany({
      where: { status: "PENDING", ...c.where, ...(cursor ? { id: { gt: cursor } } : {}) },
      orderBy: { id: "asc" },
      take: BATCH,
      select: PENDING_SELECT,
    });
    if (due.length === 0) break;
    cursor = due[due.length - 1]?.id;
    for (const request of due) {
      try {
        const messages = await db.$transaction(async (tx) => {
          const updated = await tx.accessRequest.updateMany({ where: { id: request.id, status: "PENDING", ...c.where }, data: { status: c.status, decidedAt: now } });
          if (updated.count !== 1) return null;
          await appendAuditEvent(tx, {
            actor: "system",
            action: c.action,
            subjectType: "AccessRequest",
            subjectId: request.id,
            integrationId: request.integrationId,
            awsAccountId: request.account?.accountId ?? null,
            details: c.details(request),
          });
          return recordRequestNotifications(tx, request.id, c.event);
        });
        if (messages) {
          closed += 1;
          outbound.push(...messages);
        }
      } catch (error) {
        // One broken row must not stop the others from closing; the next tick retries it.
        console.error("expirePendingRequests: could not close request", { requestId: request.id, status: c.status, error: error instanceof Error ? error.message : String(error) });
      }
    }
    if (due.length < BATCH) break;
  }
  return closed;
}
