import "server-only";
import { getDb } from "../db/client.ts";

/** What the empty states need to say: is there an integration yet, and has anything been discovered? */
export async function getSetupStatus() {
  const db = await getDb();
  const [integrations, resources, accounts] = await Promise.all([
    db.integration.count(),
    db.resource.count({ where: { deletedAt: null } }),
    db.account.count({ where: { deletedAt: null } }),
  ]);
  return { integrations, resources, accounts };
}
