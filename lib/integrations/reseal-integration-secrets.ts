import { appendAuditEvent, type TAuditEventInput } from "../audit/append-audit-event.ts";
import { encryptionKeys, integrationSecretContext, keyId, resealSecret, SecretBoxError, type TKeyRing } from "../crypto/secret-box.ts";
import type { TDb } from "../db/client.ts";
import type { Integration } from "../db/generated/client.ts";

/**
 * The integration's stored secret sealed again with the current key and bound to its row, when it is in the
 * old v1 format or sealed with a previous key, with the audit event that records it (key ids, never the value).
 * Null when it is absent, already current, or cannot be opened here (the connection test then says why): a
 * v2 value copied from another row never opens, so it is never re-bound to this one. A v1 value (written
 * before values were bound) carries no place and is bound to the row it is found in. Pure; no authorization.
 */
export function resealIntegrationSecret(
  row: Pick<Integration, "id" | "secretAccessKeyEnc">,
  keys: TKeyRing = encryptionKeys(),
): { value: string; event: Omit<TAuditEventInput, "actor"> } | null {
  if (!row.secretAccessKeyEnc) return null;
  let value: string | null;
  try {
    value = resealSecret(row.secretAccessKeyEnc, integrationSecretContext(row.id), keys);
  } catch (e) {
    if (e instanceof SecretBoxError) return null;
    throw e;
  }
  if (!value) return null;
  const [format, fromKeyId] = row.secretAccessKeyEnc.split(":");
  return {
    value,
    event: {
      action: "integration.secret_resealed",
      subjectType: "Integration",
      subjectId: row.id,
      integrationId: row.id,
      details: { fromFormat: format, fromKeyId: format === "v2" ? fromKeyId : null, toKeyId: keyId(keys.current) },
    },
  };
}

/**
 * After ENCRYPTION_KEY is rotated: seals every stored integration secret still in the v1 format or under a
 * previous key again with the current one, each only if its row still holds the value read (a concurrent save
 * wins). Returns how many were sealed again and the ids of those no configured key opens. Run by
 * `npm run secrets:reseal` once every replica holds the new key; assumes no user authorization is needed (no input, system actor).
 */
export async function resealIntegrationSecrets(
  db: TDb,
  keys: TKeyRing = encryptionKeys(),
): Promise<{ resealed: number; unreadable: string[] }> {
  const rows = await db.integration.findMany({
    where: { secretAccessKeyEnc: { not: null }, NOT: { secretAccessKeyEnc: { startsWith: `v2:${keyId(keys.current)}:` } } },
    select: { id: true, secretAccessKeyEnc: true },
  });
  let resealed = 0;
  const unreadable: string[] = [];
  for (const row of rows) {
    const next = resealIntegrationSecret(row, keys);
    if (!next) {
      unreadable.push(row.id);
      continue;
    }
    resealed += await db.$transaction(async (tx) => {
      const out = await tx.integration.updateMany({
        where: { id: row.id, secretAccessKeyEnc: row.secretAccessKeyEnc },
        data: { secretAccessKeyEnc: next.value },
      });
      if (out.count === 1) await appendAuditEvent(tx, { ...next.event, actor: "system" });
      return out.count;
    });
  }
  return { resealed, unreadable };
}
