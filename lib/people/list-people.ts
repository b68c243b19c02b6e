import "server-only";
import { z } from "zod";
import type { TDb } from "../db/client.ts";
import type { Prisma } from "../db/generated/client.ts";
import { adminConfig } from "../auth/record-sign-in.ts";
import { isAdminIdentity } from "../auth/roles.ts";

export const PEOPLE_PAGE_SIZE = 100;

export const ZPeopleFilter = z.object({
  q: z.string().trim().max(200, "Search is at most 200 characters").optional(),
  status: z.enum(["all", "active", "disabled", "admins"]).optional(),
  /** 1-based page of PEOPLE_PAGE_SIZE rows. */
  page: z.coerce.number().int().min(1).max(100_000).optional(),
});
export type TPeopleFilter = z.output<typeof ZPeopleFilter>;

export type TPersonRow = {
  id: string;
  email: string;
  name: string | null;
  /** Admin per today's configuration (ADMIN_EMAILS / ADMIN_GROUPS) and the groups of the last sign-in. */
  isAdmin: boolean;
  groups: string[];
  disabled: boolean;
  lastLoginAt: string | null;
  /** Bound to the identity-provider account of their first single sign-on (another one is refused). */
  signInLinked: boolean;
  liveSessions: number;
  pendingRequests: number;
  /** Grants held or about to be (approved, provisioning, active) with no revoke pending. */
  liveGrants: number;
};

export type TPeoplePage = {
  people: TPersonRow[];
  total: number;
  /** 1-based page shown, and the position of its first row among `total` (0 when empty). */
  page: number;
  firstIndex: number;
  hasNext: boolean;
};

/**
 * Everyone who ever signed in, for the admin's People page: most recent sign-in first (then email), one
 * page of PEOPLE_PAGE_SIZE rows at a time, each with the live sessions, pending
 * requests and live grants that disabling them would end. Read-only; the caller checked the admin role.
 */
export async function listPeople(db: TDb, filter: TPeopleFilter, now = new Date()): Promise<TPeoplePage> {
  const admins = adminConfig();
  const page = filter.page ?? 1;
  const and: Prisma.UserWhereInput[] = [];
  if (filter.q) and.push({ OR: [{ email: { contains: filter.q, mode: "insensitive" } }, { name: { contains: filter.q, mode: "insensitive" } }] });
  if (filter.status === "active") and.push({ disabled: false });
  if (filter.status === "disabled") and.push({ disabled: true });
  if (filter.status === "admins") {
    // Admin is decided by configuration (isAdminIdentity: emails and group claims, both case-insensitive).
    const emails = admins.adminEmails.map((e) => e.toLowerCase());
    const groups = admins.adminGroups.map((g) => g.toLowerCase());
    const ids = await db.$queryRaw<{ id: string }[]>`
      SELECT "id" FROM "User"
      WHERE lower("email") = ANY(${emails}::text[])
         OR EXISTS (SELECT 1 FROM unnest("idpGroups") AS g WHERE lower(g) = ANY(${groups}::text[]))`;
    and.push({ id: { in: ids.map((r) => r.id) } });
  }
  const where: Prisma.UserWhereInput = and.length > 0 ? { AND: and } : {};
  const [total, users] = await Promise.all([
    db.user.count({ where }),
    db.user.findMany({
      where,
      orderBy: [{ lastLoginAt: { sort: "desc", nulls: "last" } }, { email: "asc" }],
      skip: (page - 1) * PEOPLE_PAGE_SIZE,
      take: PEOPLE_PAGE_SIZE,
      select: {
        id: true,
        email: true,
        name: true,
        idpGroups: true,
        disabled: true,
        lastLoginAt: true,
        idpSubject: true,
        _count: { select: { sessions: { where: { revokedAt: null, expiresAt: { gt: now } } }, requests: { where: { status: "PENDING" } } } },
      },
    }),
  ]);
  const grantCounts = new Map(
    (
      await db.grant.groupBy({
        by: ["userId"],
        where: { userId: { in: users.map((u) => u.id) }, state: { in: ["APPROVED", "PROVISIONING", "ACTIVE"] }, revokedById: null },
        _count: { _all: true },
      })
    ).map((g) => [g.userId, g._count._all]),
  );
  return {
    total,
    page,
    firstIndex: users.length > 0 ? (page - 1) * PEOPLE_PAGE_SIZE + 1 : 0,
    hasNext: (page - 1) * PEOPLE_PAGE_SIZE + users.length < total,
    people: users.map((u) => ({
      id: u.id,
      email: u.email,
      name: u.name,
      isAdmin: isAdminIdentity({ email: u.email, groups: u.idpGroups }, admins),
      groups: u.idpGroups,
      disabled: u.disabled,
      lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
      signInLinked: u.idpSubject !== null,
      liveSessions: u._count.sessions,
      pendingRequests: u._count.requests,
      liveGrants: grantCounts.get(u.id) ?? 0,
    })),
  };
}
