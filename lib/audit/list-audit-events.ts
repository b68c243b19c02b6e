import "server-only";
import { z } from "zod";
import type { TDb } from "../db/client.ts";
import { escapeLikePattern } from "../db/escape-like.ts";

const isoDate = z.iso.date({ error: (issue) => `“${String(issue.input)}” is not a date like 2026-11-28` });

export const ZAuditFilter = z
  .object({
    actor: z.string().trim().max(200).optional(),
    action: z.string().trim().max(100).optional(),
    account: z.string().trim().regex(/^\d{12}$/, "an account id has 12 digits").optional().or(z.literal("")),
    from: isoDate.optional().or(z.literal("")),
    to: isoDate.optional().or(z.literal("")),
    cursor: z.string().regex(/^\d+$/, "not a position in the log").optional(),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { path: ["to"], message: "must be on or after From" });
export type TAuditFilter = z.infer<typeof ZAuditFilter>;

/** Newest first, keyset-paged on seq. Assumes the caller is an admin. */
export async function listAuditEvents(db: TDb, filter: TAuditFilter, take = 50) {
  const where = {
    // Prisma passes these to LIKE unescaped: "j_doe" would also match "jxdoe", and "%" everything.
    ...(filter.actor ? { actorEmail: { contains: escapeLikePattern(filter.actor), mode: "insensitive" as const } } : {}),
    ...(filter.action ? { action: { startsWith: escapeLikePattern(filter.action) } } : {}),
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
