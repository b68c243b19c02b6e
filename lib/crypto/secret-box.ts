import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env } from "../env.ts";

const VERSION = "v1";

/**
 * AES-256-GCM with a random 96-bit IV per value; the output names its format version so the
 * key or algorithm can be rotated later. Production requires ENCRYPTION_KEY (lib/env.ts);
 * demo and development keep a generated key beside the embedded database.
 */
export function encryptSecret(plaintext: string, key: Buffer = encryptionKey()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64"), cipher.getAuthTag().toString("base64"), body.toString("base64")].join(":");
}

export function decryptSecret(sealed: string, key: Buffer = encryptionKey()): string {
  const [version, iv, tag, body] = sealed.split(":");
  if (version !== VERSION || !iv || !tag || body === undefined) throw new Error("unrecognised encrypted value");
  const authTag = Buffer.from(tag, "base64");
  // Only the full 16-byte tag: GCM would accept a truncated one, which makes forging feasible.
  if (authTag.length !== 16) throw new Error("unrecognised encrypted value");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64"), { authTagLength: 16 });
  decipher.setAuthTag(authTag);
  return Buffer.concat([decipher.update(Buffer.from(body, "base64")), decipher.final()]).toString("utf8");
}

let cached: Buffer | undefined;

export function encryptionKey(): Buffer {
  if (cached) return cached;
  if (env.ENCRYPTION_KEY) return (cached = Buffer.from(env.ENCRYPTION_KEY, "base64"));
  const file = path.resolve(env.DATA_DIR, "encryption-key");
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString("base64"), { mode: 0o600, flag: "wx" });
  }
  return (cached = Buffer.from(readFileSync(file, "utf8").trim(), "base64"));
}
