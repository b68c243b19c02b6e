import "server-only";
import type { TDb } from "../db/client.ts";

export type TNotificationItem = { id: string; kind: string; title: string; body: string; link: string | null; readAt: string | null; createdAt: string };

/**
 * The signed-in user's latest notifications and unread count. Assumes the caller authenticated
 * `userId` as the current user: the user id is the only scope, so it must never come from the client.
 */
export async function listNotifications(db: TDb, userId: string, options: { limit?: number } = {}) {
  const limit = Math.min(Math.max(options.limit ?? 20, 1), 100);
  const [rows, unread] = await Promise.all([
    db.notification.findMany({ where: { userId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: limit }),
    db.notification.count({ where: { userId, readAt: null } }),
  ]);
  const items: TNotificationItem[] = rows.map((n) => ({
    id: n.id,
    kind: n.kind,
    title: n.title,
    body: n.body,
    link: n.link,
    readAt: n.readAt?.toISOString() ?? null,
    createdAt: n.createdAt.toISOString(),
  }));
  return { unread, items };
}
