import "server-only";
import type { TDb } from "../db/client.ts";
import { readTargetSnapshot } from "../access/read-target-snapshot.ts";
import { deliverNotifications, type TDeliveryReport, type TOutboundMessage } from "./deliver-notifications.ts";
import type { TNotificationChannels } from "./notification-channels.ts";

export type TGrantEvent = "ACTIVE" | "EXPIRED" | "REVOKED" | "FAILED";

/**
 * Tells the grant's holder that their access became active, expired, was revoked or failed to be set up
 * (in-app row, email, and Slack for failures and revocations). The worker calls it after the transaction
 * that moved the grant commits. Returns the delivery report, or null when delivery was deferred or failed. Never throws (failures are logged); the worker must not retry a grant
 * because a mail server is down. Assumes the caller is the system (worker) acting on its own state change.
 */
export async function notifyGrantEvent(
  db: TDb,
  grantId: string,
  event: TGrantEvent,
  options: {
    channels?: TNotificationChannels;
    /** Runs the email/Slack delivery after the in-app row committed; the worker passes a background runner so a slow mail server cannot hold a tick (and expiries behind it). Default: awaited, report returned. */
    defer?: (task: () => Promise<unknown>) => void;
  } = {},
): Promise<TDeliveryReport | null> {
  try {
    const messages = await db.$transaction(async (tx): Promise<TOutboundMessage[]> => {
      const grant = await tx.grant.findUnique({
        where: { id: grantId },
        include: {
          request: {
            select: {
              id: true,
              accessLevel: true,
              targetSnapshot: true,
              requester: { select: { id: true, email: true, name: true } },
              resource: { select: { name: true } },
              permissionSet: { select: { name: true } },
              group: { select: { displayName: true } },
              account: { select: { name: true } },
            },
          },
        },
      });
      if (!grant) return [];
      const target = readTargetSnapshot(grant.request.targetSnapshot);
      const targetName = target.name ?? grant.request.resource?.name ?? grant.request.permissionSet?.name ?? grant.request.group?.displayName ?? "your target";
      const accountName = target.accountName ?? grant.request.account?.name ?? grant.awsAccountId;
      const what = `${grant.request.accessLevel} access to ${targetName}${accountName ? ` in ${accountName}` : ""}`;
      const until = grant.expiresAt.toISOString().replace("T", " ").slice(0, 16);
      const holder = grant.request.requester.name ?? grant.request.requester.email;
      // `slack`: the shared channel's post (third person, never the revoke reason), or null.
      const content: Record<TGrantEvent, { title: string; body: string; slack: string | null }> = {
        ACTIVE: { title: `Active: ${targetName}`, body: `Your ${what} is active until ${until} UTC. Sign in through the AWS access portal to use it.`, slack: null },
        EXPIRED: { title: `Expired: ${targetName}`, body: `Your ${what} has expired and was removed.`, slack: null },
        REVOKED: {
          title: `Revoked: ${targetName}`,
          body: `Your ${what} was revoked before its expiry.${grant.revokeReason ? `\nReason: ${grant.revokeReason}` : ""}`,
          slack: `${holder}'s ${what} was revoked before its expiry.`,
        },
        FAILED: {
          title: `Could not set up: ${targetName}`,
          body: `Your ${what} could not be set up in AWS. An administrator has been alerted and can retry it.`,
          slack: `${holder}'s ${what} could not be set up in AWS; an administrator can retry it from Active grants.`,
        },
      };
      const { title, body, slack } = content[event];
      await tx.notification.create({ data: { userId: grant.request.requester.id, kind: `grant.${event.toLowerCase()}`, title, body, link: "/requests" } });
      const out = [{ to: [grant.request.requester.email], subject: title, text: body, link: "/requests", slack, slackLink: null as string | null }];
      if (event === "FAILED") {
        // The holder is told an administrator was alerted: so every admin hears of it (in the app and by
        // email), with the way to the retry, whether or not Slack is set up.
        const admins = await tx.user.findMany({ where: { isAdmin: true, disabled: false, id: { not: grant.request.requester.id } }, select: { id: true, email: true }, take: 50 });
        if (admins.length > 0) {
          const adminTitle = `Grant failed: ${targetName}`;
          const adminBody = `${holder}'s ${what} could not be set up in AWS. See why and retry it from Active grants.`;
          await tx.notification.createMany({ data: admins.map((a) => ({ userId: a.id, kind: "grant.failed_admin", title: adminTitle, body: adminBody, link: "/admin/grants" })) });
          out.push({ to: admins.map((a) => a.email), subject: adminTitle, text: adminBody, link: "/admin/grants", slack: null, slackLink: null });
        }
      }
      return out;
    });
    if (options.defer) {
      options.defer(() => deliverNotifications(messages, options.channels));
      return null;
    }
    return await deliverNotifications(messages, options.channels);
  } catch (error) {
    console.error("notifications: notifyGrantEvent failed", { grantId, event, error: error instanceof Error ? error.message : String(error) });
    return null;
  }
}
