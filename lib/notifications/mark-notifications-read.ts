import "server-only";
import { z } from "zod";
import type { TDb } from "../db/client.ts";

export const ZMarkNotificationsRead = z.union([
  z.object({ ids: z.array(z.string().min(1).max(64)).min(1).max(100) }),
  // upTo: the newest notification the user was shown; one that arrived after it stays unread.
  z.object({ all: z.literal(true), upTo: z.iso.datetime().optional() }),
]);
export type TMarkNotificationsRead = z.infer<typeof ZMarkNotificationsRead>;

/**
 * Marks the user's own notifications read (some by id, or all, up to the newest one shown). Assumes the caller authenticated
 * `userId`; ids of other users' notifications are silently ignored because the owner is in the where.
 */
export async function markNotificationsRead(db: TDb, userId: string, input: TMarkNotificationsRead, now = new Date()) {
  const where =
    "all" in input
      ? { userId, readAt: null, ...(input.upTo ? { createdAt: { lte: new Date(input.upTo) } } : {}) }
      : { userId, readAt: null, id: { in: input.ids } };
  const { count } = await db.notification.updateMany({ where, data: { readAt: now } });
  return { marked: count };
}
