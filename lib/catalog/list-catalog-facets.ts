import "server-only";
import type { TDb } from "../db/client.ts";
import { managementOutOfReach } from "../access/target-availability.ts";

const ACCOUNT_SUGGESTIONS = 300;

/** The OU tree and (a bounded list of) account ids for the catalog's filter controls. Read-only discovery data; assumes a signed-in caller. */
export async function listCatalogFacets(db: TDb, integrationId: string) {
  const [orgUnits, accounts, integration] = await Promise.all([
    db.orgUnit.findMany({ where: { integrationId, deletedAt: null }, orderBy: { path: "asc" }, select: { awsId: true, path: true } }),
    db.account.findMany({ where: { integrationId, deletedAt: null }, orderBy: { name: "asc" }, take: ACCOUNT_SUGGESTIONS + 1, select: { accountId: true, name: true, isManagement: true } }),
    db.integration.findUnique({ where: { id: integrationId }, select: { rootAccountId: true } }),
  ]);
  // The catalog leaves out a management account a delegated administrator cannot grant in: so does the filter.
  const reachable = accounts.filter((a) => !integration || !managementOutOfReach(integration, a)).slice(0, ACCOUNT_SUGGESTIONS);
  return { orgUnits, accounts: reachable.map(({ accountId, name }) => ({ accountId, name })) };
}
