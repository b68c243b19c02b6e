import { encryptionKeys, type TKeyRing } from "../crypto/secret-box.ts";
import { deriveAuditKey, type TAuditKey } from "./audit-hash.ts";

type TAuditKeys = [signing: TAuditKey, ...previous: TAuditKey[]];

let cached: { from: TKeyRing; keys: TAuditKeys } | undefined;

/**
 * The chain keys this server holds, derived from its encryption keys: the one it signs with first
 * (ENCRYPTION_KEY), then those of ENCRYPTION_KEY_PREVIOUS, so events signed before a rotation still verify.
 */
export function auditKeys(): TAuditKeys {
  const ring = encryptionKeys();
  if (cached?.from !== ring) cached = { from: ring, keys: [deriveAuditKey(ring.current), ...(ring.previous ?? []).map(deriveAuditKey)] };
  return cached.keys;
}
