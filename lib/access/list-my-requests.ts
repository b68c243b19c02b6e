import "server-only";
import type { TDb } from "../db/client.ts";
import type { GrantState } from "../db/generated/client.ts";
import { loadWithdrawnApprovals, REQUEST_VIEW_INCLUDE, toRequestView, type TRequestView } from "./get-request-timeline.ts";

export const MY_REQUESTS_PAGE_SIZE = 25;

export type TMyRequestsPage = { items: TRequestView[]; nextCursor: string | null };

/**
 * The signed-in user's requests, newest first, keyset-paged by (createdAt, id). Only the user's own rows
 * are ever read (requesterId in the `where`). Assumes the caller authenticated `userId`.
 */
export async function listMyRequests(
  db: TDb,
  userId: string,
  options: { cursor?: string | null; limit?: number } = {},
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
  const withdrawn = await loadWithdrawnApprovals(db, page.map((r) => r.id));
  return { items: page.map((row) => toRequestView(row, now, withdrawn.get(row.id))), nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
}

/** Grant states in which something still happens (the worker acts, or the requester may extend or end it). */
export const OPEN_GRANT_STATES: readonly GrantState[] = ["APPROVED", "PROVISIONING", "ACTIVE", "REVOKING"];

/**
 * Bound on one answer. Pending requests time out and grants expire (30 days at most), so a person
 * reaching it would be unusual; past it the newest open requests win.
 */
export const MY_OPEN_REQUESTS_LIMIT = 200;

/**
 * The signed-in user's open requests, newest first: pending, or with a grant that is scheduled, being
 * set up, active or being removed. My requests shows these whatever page the user is on, so an older
 * long-lived grant can always be ended or extended. Only the user's own rows are read (requesterId in
 * the `where`). Assumes the caller authenticated `userId`.
 */
export async function listMyOpenRequests(db: TDb, userId: string, now = new Date()): Promise<TRequestView[]> {
  const rows = await db.accessRequest.findMany({
    where: { requesterId: userId, OR: [{ status: "PENDING" }, { grant: { state: { in: [...OPEN_GRANT_STATES] } } }] },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: MY_OPEN_REQUESTS_LIMIT,
    include: REQUEST_VIEW_INCLUDE,
  });
  const withdrawn = await loadWithdrawnApprovals(db, rows.map((r) => r.id));
  return rows.map((row) => toRequestView(row, now, withdrawn.get(row.id)));
}
