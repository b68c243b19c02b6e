import "server-only";
import { Prisma } from "../db/generated/client.ts";
import type { TDb } from "../db/client.ts";
import type { TNotificationChannels } from "./notification-channels.ts";
import { notifyGrantEvent } from "./notify-grant-event.ts";

/** How long before its end a holder hears that their access ends soon. */
export const EXPIRY_REMINDER_MS = 15 * 60_000;

/**
 * Tells each holder whose live access ends within EXPIRY_REMINDER_MS that it ends soon (in-app and email),
 * while there is still time to ask for an extension: once per expiry (an approved extension moves it and earns
 * another reminder), and not for access granted for less than that (it would hear at once). Any number of
 * replicas may run it: the conditional update picks one. A reminder claimed but not delivered (a crash in
 * between) is not sent again. Returns how many were reminded. System actor.
 */
export async function remindExpiringGrants(
  db: TDb,
  now: Date,
  options: {
    defer?: (task: () => Promise<unknown>) => void;
    channels?: TNotificationChannels;
    /** Epoch ms after which no further reminder starts (a bounded tick's deadline): the rest stay due, unclaimed, for the next tick. */
    deadline?: number;
  } = {},
): Promise<number> {
  const soon = new Date(now.getTime() + EXPIRY_REMINDER_MS);
  // Those already reminded of this expiry are left out here, not after a LIMIT, so they never crowd out the rest.
  const due = await db.$queryRaw<{ id: string; expiresAt: Date }[]>(Prisma.sql`
    SELECT id, "expiresAt" FROM "Grant"
    WHERE state = 'ACTIVE' AND "revokedById" IS NULL AND "expiresAt" > ${now} AND "expiresAt" <= ${soon}
      AND ("expiryReminderFor" IS NULL OR "expiryReminderFor" <> "expiresAt")
      AND "expiresAt" - "startsAt" > ${`${EXPIRY_REMINDER_MS / 1000} seconds`}::interval
    ORDER BY "expiresAt"
    LIMIT 500`);
  let reminded = 0;
  for (const g of due) {
    if (options.deadline !== undefined && Date.now() >= options.deadline) break;
    const claimed = await db.grant.updateMany({
      where: { id: g.id, state: "ACTIVE", expiresAt: g.expiresAt, OR: [{ expiryReminderFor: null }, { expiryReminderFor: { not: g.expiresAt } }] },
      data: { expiryReminderFor: g.expiresAt },
    });
    if (claimed.count !== 1) continue;
    await notifyGrantEvent(db, g.id, "EXPIRING", options);
    reminded += 1;
  }
  return reminded;
}
