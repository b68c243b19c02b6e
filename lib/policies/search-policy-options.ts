import "server-only";
import { z } from "zod";
import type { TDb } from "../db/client.ts";

export const POLICY_OPTION_KINDS = ["user", "group", "permissionSet", "resource", "account", "orgUnit"] as const;
export const ZPolicyOptionSearch = z.object({
  kind: z.enum(POLICY_OPTION_KINDS),
  q: z.string().trim().max(200).default(""),
  integrationId: z.string().trim().max(64).nullish(),
});
export type TPolicyOption = { id: string; label: string; detail: string | null };

const LIMIT = 20;

/**
 * Picker search over discovered data for the policy form (users, groups, permission sets, resources,
 * accounts, OUs), capped at 20 matches, soft-deleted rows excluded. Assumes the caller checked the user
 * is an admin.
 */
export async function searchPolicyOptions(db: TDb, input: z.input<typeof ZPolicyOptionSearch>): Promise<TPolicyOption[]> {
  const { kind, q, integrationId } = ZPolicyOptionSearch.parse(input);
  const scope = integrationId ? { integrationId } : {};
  const contains = (value: string) => ({ contains: value, mode: "insensitive" as const });
  switch (kind) {
    case "user":
    case "group": {
      const rows = await db.principal.findMany({
        where: { ...scope, type: kind === "user" ? "USER" : "GROUP", deletedAt: null, ...(q ? { OR: [{ displayName: contains(q) }, { email: contains(q) }, { userName: contains(q) }] } : {}) },
        orderBy: { displayName: "asc" },
        take: LIMIT,
        select: { id: true, displayName: true, email: true, description: true },
      });
      return rows.map((r) => ({ id: r.id, label: r.displayName, detail: r.email ?? r.description }));
    }
    case "permissionSet": {
      const rows = await db.permissionSet.findMany({
        where: { ...scope, deletedAt: null, portalManaged: false, ...(q ? { name: contains(q) } : {}) },
        orderBy: { name: "asc" },
        take: LIMIT,
        select: { id: true, name: true, description: true },
      });
      return rows.map((r) => ({ id: r.id, label: r.name, detail: r.description }));
    }
    case "resource": {
      const rows = await db.resource.findMany({
        where: { ...scope, deletedAt: null, ...(q ? { searchText: { contains: q.toLowerCase() } } : {}) },
        orderBy: { name: "asc" },
        take: LIMIT,
        select: { id: true, name: true, type: true, account: { select: { accountId: true, name: true } } },
      });
      return rows.map((r) => ({ id: r.id, label: r.name, detail: `${r.type} · ${r.account.name} (${r.account.accountId})` }));
    }
    case "account": {
      const rows = await db.account.findMany({
        where: { ...scope, deletedAt: null, ...(q ? { OR: [{ name: contains(q) }, { accountId: { startsWith: q } }] } : {}) },
        orderBy: { name: "asc" },
        // Policies name accounts by their AWS id: two integrations over one organization list it once.
        distinct: ["accountId"],
        take: LIMIT,
        select: { accountId: true, name: true, orgUnit: { select: { path: true } } },
      });
      return rows.map((r) => ({ id: r.accountId, label: r.name, detail: `${r.accountId}${r.orgUnit ? ` · ${r.orgUnit.path}` : ""}` }));
    }
    case "orgUnit": {
      const rows = await db.orgUnit.findMany({
        where: { ...scope, deletedAt: null, ...(q ? { OR: [{ path: contains(q) }, { awsId: { startsWith: q } }] } : {}) },
        orderBy: { path: "asc" },
        distinct: ["awsId"],
        take: LIMIT,
        select: { awsId: true, path: true },
      });
      return rows.map((r) => ({ id: r.awsId, label: r.path, detail: r.awsId }));
    }
  }
}
