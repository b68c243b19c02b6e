import { appendAuditEvent } from "../audit/append-audit-event.ts";
import { encryptSecret, integrationSecretContext } from "../crypto/secret-box.ts";
import type { TDb } from "../db/client.ts";
import { AppError } from "../errors/app-error.ts";
import { formatConfigIssues, ZIntegrationConfig } from "./integration-config-schema.ts";
import { mapIntegrationConfig, type TIntegrationColumns } from "./map-integration-config.ts";
import { stableJson } from "../discovery/stable-json.ts";
import { pruneResourcesToConfig } from "../discovery/prune-to-config.ts";
import { resealIntegrationSecret } from "./reseal-integration-secrets.ts";

export type TSaveIntegrationResult = { id: string; created: boolean; changed: string[]; resourcesRemoved?: number };

function invalid(lines: string[]): AppError {
  return new AppError("INVALID_INPUT", { message: lines.join("; "), userMessage: lines.join("\n"), details: { issues: lines } });
}

/**
 * Creates or updates an integration from its config (form or JSON). The secret access key is
 * encrypted before it is stored, bound to its row, and kept when the config says "set" or omits it; a kept
 * one sealed in the old format or with a previous key is sealed again (key rotation). Every change is
 * audited in the same transaction with each changed field's old and new value, never a secret.
 * Assumes the caller is an admin (adminAction or an authenticated admin script).
 */
export async function saveIntegration(
  db: TDb,
  input: {
    id?: string | null;
    config: unknown;
    actor: { id: string | null; email: string | null } | "system";
    /** The row's updatedAt when the editor loaded it: an instance discovery learnt since is not cleared by its absence. */
    loadedAt?: Date | null;
  },
): Promise<TSaveIntegrationResult> {
  const parsed = ZIntegrationConfig.safeParse(input.config);
  if (!parsed.success) throw invalid(formatConfigIssues(parsed.error.issues));
  const { columns, newSecret } = mapIntegrationConfig(parsed.data);

  try {
    return await db.$transaction(async (tx) => {
      if (!input.id) {
        if (columns.authMethod === "ACCESS_KEY" && !newSecret) throw invalid(["root_account.secret_access_key: is required for a new integration"]);
        const row = await tx.integration.create({ data: { ...columns, subAccounts: columns.subAccounts, options: columns.options } });
        // The ciphertext is bound to the row's id, which exists only now (same transaction).
        if (newSecret) await tx.integration.update({ where: { id: row.id }, data: { secretAccessKeyEnc: encryptSecret(newSecret, integrationSecretContext(row.id)) } });
        await appendAuditEvent(tx, {
          actor: input.actor,
          action: "integration.created",
          subjectType: "Integration",
          subjectId: row.id,
          integrationId: row.id,
          details: { name: row.name, authMethod: row.authMethod, accessKeyId: row.accessKeyId, roleArn: row.roleArn, instanceArn: row.instanceArn, subAccounts: columns.subAccounts.length },
        });
        return { id: row.id, created: true, changed: Object.keys(columns) };
      }
      const existing = await tx.integration.findUnique({ where: { id: input.id } });
      if (!existing) throw new AppError("NOT_FOUND", { userMessage: "That integration no longer exists." });
      if (columns.authMethod === "ACCESS_KEY" && !newSecret) {
        if (!existing.secretAccessKeyEnc) throw invalid(["root_account.secret_access_key: is required (none is stored yet)"]);
        if (existing.accessKeyId !== columns.accessKeyId) throw invalid(["root_account.secret_access_key: enter the secret that belongs to the new access key id"]);
      }
      const data: TIntegrationColumns & { secretAccessKeyEnc?: string | null } = { ...columns };
      // An editor opened before discovery learnt the instance sends none: that is not the admin clearing it.
      if (!parsed.data.options.sso_instance_arn && existing.instanceArn && input.loadedAt && existing.updatedAt > input.loadedAt) data.instanceArn = existing.instanceArn;
      // A different instance has a different identity store: rediscover it unless the admin gave a new one
      // (the editor shows the stored id, so the old id sent back unchanged is not "given").
      const givenStore = parsed.data.options.identity_store_id;
      if (data.instanceArn !== existing.instanceArn && (!givenStore || givenStore === existing.identityStoreId)) data.identityStoreId = null;
      if (!parsed.data.options.identity_store_id && data.instanceArn === existing.instanceArn) data.identityStoreId = existing.identityStoreId;
      // The key's own account (learnt from AWS, rememberKeyAccount) stays while the key does.
      if (columns.authMethod === "ACCESS_KEY" && !parsed.data.root_account.account_id && existing.authMethod === "ACCESS_KEY" && existing.accessKeyId === columns.accessKeyId) {
        data.rootAccountId = existing.rootAccountId;
      }
      if (newSecret) data.secretAccessKeyEnc = encryptSecret(newSecret, integrationSecretContext(existing.id));
      if (columns.authMethod === "ASSUME_ROLE") data.secretAccessKeyEnc = null;
      const resealed = !newSecret && columns.authMethod === "ACCESS_KEY" ? resealIntegrationSecret(existing) : null;
      if (resealed) data.secretAccessKeyEnc = resealed.value;
      const changed = (Object.keys(data) as (keyof typeof data)[]).filter((k) => k === "secretAccessKeyEnc" ? (newSecret !== null || (existing.secretAccessKeyEnc !== null && data.secretAccessKeyEnc === null)) : stableJson(existing[k]) !== stableJson(data[k]));
      if (changed.length === 0 && !resealed) return { id: existing.id, created: false, changed };
      const out = await tx.integration.updateMany({ where: { id: existing.id, updatedAt: existing.updatedAt }, data: { ...data, subAccounts: data.subAccounts, options: data.options } });
      if (out.count === 0) throw new AppError("CONFLICT");
      // Narrowing what is discovered takes effect now; widening waits for the next run.
      const resourcesRemoved = changed.includes("subAccounts") || changed.includes("options") ? await pruneResourcesToConfig(tx, existing.id) : 0;
      if (resealed) await appendAuditEvent(tx, { ...resealed.event, actor: input.actor });
      if (changed.length > 0) await appendAuditEvent(tx, {
        actor: input.actor,
        action: "integration.updated",
        subjectType: "Integration",
        subjectId: existing.id,
        integrationId: existing.id,
        details: {
          changed: changed.map((k) => (k === "secretAccessKeyEnc" ? "secretAccessKey" : k)),
          // Where it pointed before and after (which account, role, external id, instance): never the secret.
          values: Object.fromEntries(changed.filter((k) => k !== "secretAccessKeyEnc").map((k) => [k, { from: existing[k] ?? null, to: data[k] ?? null }])),
          ...(resourcesRemoved > 0 ? { resourcesRemoved } : {}),
        },
      });
      return { id: existing.id, created: false, changed, resourcesRemoved };
      // Narrowing a large catalog soft-deletes many rows in this transaction: Prisma's default 5 s would
      // refuse the save of a big organization (most of all on the embedded database).
    }, { timeout: 120_000, maxWait: 10_000 });
  } catch (e) {
    if (e && typeof e === "object" && "code" in e && (e as { code?: string }).code === "P2002") throw invalid([`name: an integration named "${columns.name}" already exists`]);
    throw e;
  }
}
