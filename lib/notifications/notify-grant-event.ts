import "server-only";
import type { TDb } from "../db/client.ts";
import { readTargetSnapshot } from "../access/read-target-snapshot.ts";
import { quotaGiveUpAt } from "../provisioning/quota-give-up.ts";
import { alertAdmins } from "./alert-admins.ts";
import { deliverNotifications, type TDeliveryReport, type TOutboundMessage } from "./deliver-notifications.ts";
import type { TNotificationChannels } from "./notification-channels.ts";

/** The worker's events (lib/provisioning/grant-events.ts), and EXPIRING: the reminder before the end (remindExpiringGrants). */
export type TGrantEvent = "ACTIVE" | "EXPIRING" | "EXPIRED" | "REVOKED" | "FAILED" | "REMOVAL_OVERDUE" | "QUOTA_WAIT";

/** Events only the admins hear of (raw AWS text, never sent to the holder or the shared channel). */
type TAdminOnlyEvent = "REMOVAL_OVERDUE" | "QUOTA_WAIT";

/**
 * Tells the grant's holder that their access became active, expired, was revoked or failed to be set up
 * (in-app row, email, and Slack for failures and revocations); a failure also alerts the admins, and
 * REMOVAL_OVERDUE (access still in place past its expiry because removal keeps failing) and QUOTA_WAIT
 * (setting it up waits on an AWS quota, which rarely clears without an admin) alert only the admins. The worker calls it after the transaction that moved the grant commits. Returns the delivery report, or null when delivery was deferred or failed. Never throws (failures are logged); the worker must not retry a grant
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
      if (event === "REMOVAL_OVERDUE") {
        // Raw AWS text is for admins: this alert never reaches the holder or the shared channel.
        const ended = grant.revokedById ? "revoked" : "expired";
        const minutes = Math.max(0, Math.floor((Date.now() - grant.expiresAt.getTime()) / 60_000));
        const lastError = grant.lastError ? grant.lastError.slice(0, 500) : "none recorded";
        const alert = await alertAdmins(tx, null, {
          kind: "grant.removal_overdue_admin",
          title: `Access still in place past its expiry: ${targetName}`,
          body:
            `${holder}'s ${what} is still in place ${minutes} minutes after it ${ended} (${until} UTC): the portal has not been able to remove it and keeps retrying.\n` +
            `Last error: ${lastError}\n` +
            `Check the portal's permissions in AWS, or remove the access in IAM Identity Center. The grant (${grant.id}) is listed on Grants.`,
          link: `/admin/grants#grant-${grant.id}`,
        });
        return alert ? [alert] : [];
      }
      if (event === "QUOTA_WAIT") {
        // What the worker saw when it started waiting (the grant may have moved on by the time this is sent).
        const waited = await tx.auditEvent.findFirst({ where: { action: "grant.quota_wait", subjectType: "Grant", subjectId: grant.id }, select: { details: true } });
        const recorded = (waited?.details ?? {}) as { quota?: unknown };
        const quota = typeof recorded.quota === "string" ? recorded.quota : grant.lastError ? grant.lastError.replace(/^Quota: /, "").slice(0, 500) : "not recorded";
        const givesUp = quotaGiveUpAt(grant).toISOString().replace("T", " ").slice(0, 16);
        const alert = await alertAdmins(tx, null, {
          kind: "grant.quota_wait_admin",
          title: `Grant waiting on an AWS quota: ${targetName}`,
          body:
            `${holder}'s ${what} cannot be set up: AWS reports a quota was reached.\n` +
            `Quota: ${quota}\n` +
            `The portal retries every few minutes, but quotas like this (IAM roles or permission sets provisioned per account, permission sets per instance) rarely clear without an administrator. ` +
            `Raise the quota (Service Quotas) or remove unused roles or permission sets in the account. If there is still no room at ${givesUp} UTC (a quarter of the approved time left), the grant fails and the requester is told. ` +
            `The grant (${grant.id}) is listed on Grants.`,
          link: `/admin/grants#grant-${grant.id}`,
        });
        return alert ? [alert] : [];
      }
      // `slack`: the shared channel's post (third person, never the revoke reason), or null.
      const content: Record<Exclude<TGrantEvent, TAdminOnlyEvent>, { title: string; body: string; slack: string | null }> = {
        ACTIVE: { title: `Active: ${targetName}`, body: `Your ${what} is active until ${until} UTC. Sign in through the AWS access portal to use it.`, slack: null },
        EXPIRING: {
          title: `Ends soon: ${targetName}`,
          body: `Your ${what} ends at ${until} UTC, in ${minutesLeft(grant.expiresAt)}. Need longer? Use Extend on My requests before it ends.`,
          slack: null,
        },
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
      const out: TOutboundMessage[] = [{ to: [grant.request.requester.email], subject: title, text: body, link: "/requests", slack, slackLink: null }];
      if (event === "FAILED") {
        // The holder is told an administrator was alerted: so every admin hears of it (in the app and by
        // email), with the way to the retry, whether or not Slack is set up.
        const alert = await alertAdmins(tx, grant.request.requester.id, {
          kind: "grant.failed_admin",
          title: `Grant failed: ${targetName}`,
          body: `${holder}'s ${what} could not be set up in AWS. See why and retry it from Active grants.`,
          link: "/admin/grants",
        });
        if (alert) out.push(alert);
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

function minutesLeft(expiresAt: Date): string {
  const minutes = Math.max(1, Math.round((expiresAt.getTime() - Date.now()) / 60_000));
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}
