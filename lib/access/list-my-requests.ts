import "server-only";
import type { TDb } from "../db/client.ts";
import { REQUEST_VIEW_INCLUDE, toRequestView, type TRequestView } from "./get-request-timeline.ts";

export const MY_REQUESTS_PAGE_SIZE = 25;

export type TMyRequestsPage = { items: TRequestView[]; nextCursor: string | null };

/**
 * The signed-in user's requests, newest first, keyset-paged by (createdAt, id). Only the user's own rows
 * are ever read (requesterId in the `where`). Assumes the caller authenticated `userId`.
 */
export async function listMyRequests(
  db: TDb,
  userId: string,
  options: { cursor?: string | null; limit?: number; status?: "open" | "all" } = {},
  now = new Date(),
): Promise<TMyRequestsPage> {
  const limit = Math.min(Math.max(options.limit ?? MY_REQUESTS_PAGE_SIZE, 1), 100);
  const cursor = options.cursor ? await db.accessRequest.findFirst({ where: { id: options.cursor, requesterId: userId }, select: { id: true, createdAt: true } }) : null;
  const rows = await db.accessRequest.findMany({
    where: {
      requesterId: userId,
      ...(cursor ? { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    include: REQUEST_VIEW_INCLUDE,
  });
  const page = rows.slice(0, limit);
  return { items: page.map((row) => toRequestView(row, now)), nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
}
