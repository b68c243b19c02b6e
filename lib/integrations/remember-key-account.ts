import type { TDb } from "../db/client.ts";

/**
 * With an access key, the account the key belongs to is learnt from GetCallerIdentity (the config has no
 * account id then) and stored as the root account: the setup helper's sub-account trust policy must name
 * that account (a delegated administrator's, not necessarily the management account). Only while the
 * integration still uses the same key. No audit event: it is read from AWS, not chosen by anyone.
 */
export async function rememberKeyAccount(db: TDb, integration: { id: string; authMethod: string; accessKeyId: string | null; rootAccountId: string | null }, accountId: string) {
  if (integration.authMethod !== "ACCESS_KEY" || integration.rootAccountId === accountId || !integration.accessKeyId) return;
  await db.integration.updateMany({ where: { id: integration.id, authMethod: "ACCESS_KEY", accessKeyId: integration.accessKeyId }, data: { rootAccountId: accountId } });
}
