import "server-only";
import type { TDb } from "../db/client.ts";
import { deliverNotifications, type TDeliveryReport } from "./deliver-notifications.ts";
import type { TNotificationChannels } from "./notification-channels.ts";
import { recordRequestNotifications } from "./record-request-notifications.ts";

/**
 * Tells the first step's approvers that a request waits for them (in-app, email, Slack), or the
 * requester that policy approved it automatically. Call it after the submit transaction commits.
 * Never throws: a failure here must not turn a successful submit into an error (it is logged).
 * Assumes the caller created the request for an authenticated requester.
 */
export async function notifyRequestSubmitted(
  db: TDb,
  requestId: string,
  options: { channels?: TNotificationChannels } = {},
): Promise<TDeliveryReport | null> {
  try {
    const messages = await db.$transaction((tx) => recordRequestNotifications(tx, requestId, { type: "SUBMITTED" }));
    return await deliverNotifications(messages, options.channels);
  } catch (error) {
    console.error("notifications: notifyRequestSubmitted failed", { requestId, error: error instanceof Error ? error.message : String(error) });
    return null;
  }
}
