import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env } from "../env.ts";

/**
 * The keys a server holds: `current` seals every new value; `previous` (ENCRYPTION_KEY_PREVIOUS) only
 * opens values sealed before a rotation, until they are sealed again.
 */
export type TKeyRing = { current: Buffer; previous?: readonly Buffer[] };

/** Why a stored value did not open: the caller turns it into a message an admin can act on. */
export type TSecretBoxFailure = "malformed" | "unknown-key" | "mismatch";

export class SecretBoxError extends Error {
  override name = "SecretBoxError";
  constructor(
    readonly reason: TSecretBoxFailure,
    message: string,
    /** The key id named by the value (v2), so an operator can tell which key is missing. */
    readonly keyId: string | null = null,
  ) {
    super(message);
  }
}

/** Where an integration's secret access key belongs: bound into its ciphertext as associated data. */
export function integrationSecretContext(integrationId: string): string {
  return `integration:${integrationId}:secretAccessKey`;
}

/** First 8 hex characters of the key's SHA-256: names the key in a value without revealing it. */
export function keyId(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 8);
}

/**
 * AES-256-GCM with a random 96-bit IV per value, as `v2:<key id>:<iv>:<tag>:<body>` (base64 parts).
 * `context` (e.g. integrationSecretContext(id)) is the associated data: the value opens only where it
 * was sealed, so a ciphertext copied to another row or field is refused. Production requires
 * ENCRYPTION_KEY (lib/env.ts); demo and development keep a generated key beside the embedded database.
 */
export function encryptSecret(plaintext: string, context: string, keys: TKeyRing = encryptionKeys()): string {
  if (!context) throw new Error("a sealed secret needs the context it belongs to");
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keys.current, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(context, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v2", keyId(keys.current), iv.toString("base64"), cipher.getAuthTag().toString("base64"), body.toString("base64")].join(":");
}

/**
 * Opens a value sealed by encryptSecret with the same `context`, with the current or a previous key.
 * Also reads the older v1 format (no key id, no associated data), trying each key. Throws SecretBoxError.
 */
export function decryptSecret(sealed: string, context: string, keys: TKeyRing = encryptionKeys()): string {
  const ring = [keys.current, ...(keys.previous ?? [])];
  const parts = sealed.split(":");
  if (parts[0] === "v1" && parts.length === 4) {
    const [, iv, tag, body] = parts as [string, string, string, string];
    for (const key of ring) {
      const plain = open(key, iv, tag, body, null);
      if (plain !== null) return plain;
    }
    throw new SecretBoxError(
      "unknown-key",
      "no configured encryption key opens this v1 value (ENCRYPTION_KEY changed without ENCRYPTION_KEY_PREVIOUS, or the value was altered)",
    );
  }
  if (parts[0] === "v2" && parts.length === 5 && /^[0-9a-f]{8}$/.test(parts[1]!)) {
    const [, id, iv, tag, body] = parts as [string, string, string, string, string];
    const candidates = ring.filter((key) => keyId(key) === id);
    if (candidates.length === 0)
      throw new SecretBoxError(
        "unknown-key",
        `sealed with key id ${id}, which is neither ENCRYPTION_KEY nor in ENCRYPTION_KEY_PREVIOUS`,
        id,
      );
    for (const key of candidates) {
      const plain = open(key, iv, tag, body, context);
      if (plain !== null) return plain;
    }
    throw new SecretBoxError(
      "mismatch",
      `value sealed with key id ${id} does not authenticate as ${context} (copied from another row or field, or altered)`,
      id,
    );
  }
  throw new SecretBoxError("malformed", "unrecognised encrypted value");
}

/**
 * The value sealed again with the current key and bound to `context` (a v1 value, or one sealed with a
 * previous key), or null when it already is. Throws SecretBoxError when it cannot be opened, so a value
 * that does not belong to `context` is never re-bound to it.
 */
export function resealSecret(sealed: string, context: string, keys: TKeyRing = encryptionKeys()): string | null {
  if (sealed.startsWith(`v2:${keyId(keys.current)}:`)) return null;
  return encryptSecret(decryptSecret(sealed, context, keys), context, keys);
}

/** The plaintext, or null when the value does not authenticate with this key and associated data. */
function open(key: Buffer, iv: string, tag: string, body: string, aad: string | null): string | null {
  const ivBytes = Buffer.from(iv, "base64");
  const authTag = Buffer.from(tag, "base64");
  // Only the full 16-byte tag: GCM would accept a truncated one, which makes forging feasible.
  if (ivBytes.length !== 12 || authTag.length !== 16) throw new SecretBoxError("malformed", "unrecognised encrypted value");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, ivBytes, { authTagLength: 16 });
    if (aad !== null) decipher.setAAD(Buffer.from(aad, "utf8"));
    decipher.setAuthTag(authTag);
    return Buffer.concat([decipher.update(Buffer.from(body, "base64")), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}

let cached: TKeyRing | undefined;

export function encryptionKeys(): TKeyRing {
  if (cached) return cached;
  const previous = env.ENCRYPTION_KEY_PREVIOUS.map((k) => Buffer.from(k, "base64"));
  if (env.ENCRYPTION_KEY) return (cached = { current: Buffer.from(env.ENCRYPTION_KEY, "base64"), previous });
  const file = path.resolve(env.DATA_DIR, "encryption-key");
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    // Written whole under a private name, then linked into place: another process (parallel tests, the demo's
    // scripts) never reads a half-written key, and whichever link comes first wins.
    const key = randomBytes(32).toString("base64");
    const draft = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
    writeFileSync(draft, key, { mode: 0o600, flag: "wx" });
    try {
      linkSync(draft, file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // A file system without hard links (some mounts): exclusive create, which only the first process wins.
      if (code === "EPERM" || code === "ENOTSUP" || code === "EOPNOTSUPP") writeIfAbsent(file, key);
      else if (code !== "EEXIST") throw e;
    } finally {
      unlinkSync(draft);
    }
  }
  const current = Buffer.from(readFileSync(file, "utf8").trim(), "base64");
  if (current.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key`);
  return (cached = { current, previous });
}

function writeIfAbsent(file: string, content: string): void {
  try {
    writeFileSync(file, content, { mode: 0o600, flag: "wx" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
}
