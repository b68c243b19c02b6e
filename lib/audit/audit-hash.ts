import { createHash, createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import canonicalize from "canonicalize";

/** The chain's first link points at this. */
export const GENESIS_HASH = "0".repeat(64);

/**
 * Keyed hashes read `h2:<key id>:<HMAC-SHA-256 hex>`. Events written before keyed hashing carry a bare
 * SHA-256 hex digest: the table is append-only, so they keep it and are still verified as such.
 */
const KEYED_PREFIX = "h2:";
const KEYED_HASH = /^h2:([0-9a-f]{8}):([0-9a-f]{64})$/;

/**
 * Derived from ENCRYPTION_KEY rather than configured, and under its own label, so the audit chain never
 * shares a key with the secrets' encryption. The label is the version: changing it starts a new format.
 */
const AUDIT_KEY_INFO = "jit-portal audit chain v2";

export type TAuditKey = { id: string; secret: Buffer };

export type TAuditHashInput = {
  id: string;
  createdAt: Date;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  subjectType: string;
  subjectId: string | null;
  integrationId: string | null;
  awsAccountId: string | null;
  details: unknown;
  prevHash: string;
};

/**
 * The chain key derived from one encryption key. Its id, stored in each hash, tells verification which key
 * signed an event, so an event signed with a key this server lacks is told apart from an edited one; being
 * a hash of the derived key, it reveals nothing about the key itself.
 */
export function deriveAuditKey(encryptionKey: Buffer): TAuditKey {
  const secret = Buffer.from(hkdfSync("sha256", encryptionKey, Buffer.alloc(0), AUDIT_KEY_INFO, 32));
  return { id: createHash("sha256").update(secret).digest("hex").slice(0, 8), secret };
}

/** RFC 8785 canonical JSON of the event, so key order in JSONB cannot change its hash. */
function canonicalEvent(e: TAuditHashInput): string {
  const canonical = canonicalize({
    id: e.id,
    createdAt: e.createdAt.toISOString(),
    actorId: e.actorId,
    actorEmail: e.actorEmail,
    action: e.action,
    subjectType: e.subjectType,
    subjectId: e.subjectId,
    integrationId: e.integrationId,
    awsAccountId: e.awsAccountId,
    details: e.details ?? {},
    prevHash: e.prevHash,
  });
  if (canonical === undefined) throw new Error("audit event is not serialisable");
  return canonical;
}

function hmacHex(e: TAuditHashInput, key: TAuditKey): string {
  return createHmac("sha256", key.secret).update(canonicalEvent(e)).digest("hex");
}

/**
 * The event's keyed hash: HMAC-SHA-256 under the chain key. Without the key, whoever can write to the
 * database can no longer rewrite an event and recompute the hashes after it.
 */
export function auditHash(e: TAuditHashInput, key: TAuditKey): string {
  return `${KEYED_PREFIX}${key.id}:${hmacHex(e, key)}`;
}

/** The unkeyed hash of events written before keyed hashing: plain SHA-256 of the canonical event. */
export function unkeyedAuditHash(e: TAuditHashInput): string {
  return createHash("sha256").update(canonicalEvent(e)).digest("hex");
}

export type TAuditHashCheck =
  | { ok: true; keyed: boolean }
  | { ok: false; keyed: boolean; problem: "edited" | "unknown-key" | "malformed" };

/** Whether `hash` is the event's own hash, under one of `keys` if it is keyed. */
export function checkAuditHash(e: TAuditHashInput, hash: string, keys: readonly TAuditKey[]): TAuditHashCheck {
  if (!hash.startsWith(KEYED_PREFIX)) {
    if (!/^[0-9a-f]{64}$/.test(hash)) return { ok: false, keyed: false, problem: "malformed" };
    return unkeyedAuditHash(e) === hash ? { ok: true, keyed: false } : { ok: false, keyed: false, problem: "edited" };
  }
  const match = KEYED_HASH.exec(hash);
  if (!match) return { ok: false, keyed: true, problem: "malformed" };
  const [, keyId, mac] = match as unknown as [string, string, string];
  // Ids are 32 bits: two held keys may share one, so each is tried.
  const candidates = keys.filter((k) => k.id === keyId);
  if (candidates.length === 0) return { ok: false, keyed: true, problem: "unknown-key" };
  const stored = Buffer.from(mac, "hex");
  const signed = candidates.some((k) => timingSafeEqual(Buffer.from(hmacHex(e, k), "hex"), stored));
  return signed ? { ok: true, keyed: true } : { ok: false, keyed: true, problem: "edited" };
}
