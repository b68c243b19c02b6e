import "server-only";
import type { TDb } from "../db/client.ts";
import type { TOutboundMessage } from "./deliver-notifications.ts";

/** Most admins one alert reaches (in the app and by email). */
const ADMIN_ALERT_LIMIT = 50;

type TTx = Parameters<Parameters<TDb["$transaction"]>[0]>[0];

/**
 * The admin fan-out: in-app rows for every active admin (but `exceptUserId`) and the one email to them all
 * (sent by the caller after commit); null when there is no admin to tell. Runs in the caller's transaction.
 * Assumes the caller decided the alert is for admins (it may carry raw AWS text).
 */
export async function alertAdmins(tx: TTx, exceptUserId: string | null, alert: { kind: string; title: string; body: string; link: string }): Promise<TOutboundMessage | null> {
  const admins = await tx.user.findMany({
    where: { isAdmin: true, disabled: false, ...(exceptUserId ? { id: { not: exceptUserId } } : {}) },
    select: { id: true, email: true },
    take: ADMIN_ALERT_LIMIT,
  });
  if (admins.length === 0) return null;
  await tx.notification.createMany({ data: admins.map((a) => ({ userId: a.id, kind: alert.kind, title: alert.title, body: alert.body, link: alert.link })) });
  return { to: admins.map((a) => a.email), subject: alert.title, text: alert.body, link: alert.link, slack: null, slackLink: null };
}
