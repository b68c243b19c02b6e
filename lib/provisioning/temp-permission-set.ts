import { createHash } from "node:crypto";

/**
 * Naming, tagging and session length of the temporary permission set one grant gets. Pure.
 * No authorization: the worker calls it for grants that were already approved.
 */
export const MANAGED_BY_TAG = { key: "managed-by", value: "jit-access-portal" } as const;

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
const NAME_MAX = 32;

function base32(bytes: Uint8Array): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/**
 * prefix + base32(sha256(grantId)) cut to 32 characters: stable across retries (so a crashed
 * create is found again by name) and unique enough (≥ 16 base32 characters = 80 bits with a
 * prefix of up to 16 characters). Characters outside [\w+=,.@-] in the prefix are replaced.
 */
export function tempPermissionSetName(prefix: string, grantId: string): string {
  const hash = base32(createHash("sha256").update(grantId).digest());
  return (safeTempPrefix(prefix) + hash).slice(0, NAME_MAX);
}

function safeTempPrefix(prefix: string): string {
  return prefix.replace(/[^\w+=,.@-]/g, "-").slice(0, 16);
}

/**
 * Whether a permission set name has the shape tempPermissionSetName makes (prefix + base32 hash filling
 * 32 characters). A hand-made set that merely starts with the prefix ("jit-readonly") does not.
 */
export function looksLikeTempPermissionSetName(name: string, prefix: string): boolean {
  const safePrefix = safeTempPrefix(prefix);
  return name.length === NAME_MAX && name.startsWith(safePrefix) && /^[a-z2-7]+$/.test(name.slice(safePrefix.length));
}

/**
 * SessionDuration no longer than the grant: whole hours rounded down, within AWS's PT1H..PT12H.
 * A grant shorter than an hour still gets PT1H (AWS's minimum); that is safe because at expiry
 * the assignment is removed and the permission set deleted, which deletes its IAM role and so
 * ends sessions that were started from it.
 */
export function tempSessionDuration(startsAt: Date, expiresAt: Date): string {
  const hours = Math.floor((expiresAt.getTime() - startsAt.getTime()) / 3_600_000);
  return `PT${Math.min(12, Math.max(1, hours))}H`;
}

/** Tag naming the integration (a row of this portal's database) the set was made for. */
export const INTEGRATION_TAG_KEY = "integration-id";

/** Tag with the grant's current expiry (ISO-8601): a label for people looking at the set in AWS; nothing decides by it. */
export const EXPIRES_AT_TAG_KEY = "expires-at";

/**
 * Tags that tie the set to its grant and integration; the reconciler finds orphans by them, and removes
 * only those of its own integration (another installation may share the Identity Center instance).
 */
export function tempPermissionSetTags(grant: { id: string; requestId: string; expiresAt: Date; integrationId: string }): Record<string, string> {
  return {
    [MANAGED_BY_TAG.key]: MANAGED_BY_TAG.value,
    [INTEGRATION_TAG_KEY]: grant.integrationId,
    "grant-id": grant.id,
    "request-id": grant.requestId,
    [EXPIRES_AT_TAG_KEY]: grant.expiresAt.toISOString(),
  };
}

/** ISO-8601 durations as AWS writes them (PT1H, PT2H30M, PT45M) in milliseconds; null if unparseable. */
export function isoDurationMs(value: string | null | undefined): number | null {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(value ?? "");
  if (!m || (!m[1] && !m[2] && !m[3])) return null;
  return (Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0)) * 1000;
}
