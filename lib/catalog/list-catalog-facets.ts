import "server-only";
import type { TDb } from "../db/client.ts";

const ACCOUNT_SUGGESTIONS = 300;

/** The OU tree and (a bounded list of) account ids for the catalog's filter controls. Read-only discovery data; assumes a signed-in caller. */
export async function listCatalogFacets(db: TDb, integrationId: string) {
  const [orgUnits, accounts] = await Promise.all([
    db.orgUnit.findMany({ where: { integrationId, deletedAt: null }, orderBy: { path: "asc" }, select: { awsId: true, path: true } }),
    db.account.findMany({ where: { integrationId, deletedAt: null }, orderBy: { name: "asc" }, take: ACCOUNT_SUGGESTIONS, select: { accountId: true, name: true } }),
  ]);
  return { orgUnits, accounts };
}
