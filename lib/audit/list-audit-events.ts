import "server-only";
import { z } from "zod";
import type { TDb } from "../db/client.ts";

export const ZAuditFilter = z.object({
  actor: z.string().trim().max(200).optional(),
  action: z.string().trim().max(100).optional(),
  account: z.string().trim().regex(/^\d{12}$/, "an account id has 12 digits").optional().or(z.literal("")),
  from: z.iso.date().optional().or(z.literal("")),
  to: z.iso.date().optional().or(z.literal("")),
  cursor: z.string().regex(/^\d+$/).optional(),
});
export type TAuditFilter = z.infer<typeof ZAuditFilter>;

/** Newest first, keyset-paged on seq. Assumes the caller is an admin. */
export async function listAuditEvents(db: TDb, filter: TAuditFilter, take = 50) {
  const where = {
    ...(filter.actor ? { actorEmail: { contains: filter.actor, mode: "insensitive" as const } } : {}),
    ...(filter.action ? { action: { startsWith: filter.action } } : {}),
    ...(filter.account ? { awsAccountId: filter.account } : {}),
    ...(filter.from || filter.to
      ? {
          createdAt: {
            ...(filter.from ? { gte: new Date(`${filter.from}T00:00:00Z`) } : {}),
            ...(filter.to ? { lt: new Date(new Date(`${filter.to}T00:00:00Z`).getTime() + 86_400_000) } : {}),
          },
        }
      : {}),
    ...(filter.cursor ? { seq: { lt: BigInt(filter.cursor) } } : {}),
  };
  const rows = await db.auditEvent.findMany({ where, orderBy: { seq: "desc" }, take: take + 1 });
  const page = rows.slice(0, take);
  return { events: page, nextCursor: rows.length > take ? page[page.length - 1]!.seq.toString() : null };
}
