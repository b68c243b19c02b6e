import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env } from "../env.ts";

/**
 * NEXTAUTH_SECRET signs session cookies; production must set it (lib/env.ts enforces that).
 * Demo and development keep a random one beside the embedded database rather than a known constant.
 */
export function authSecret(): string {
  if (env.NEXTAUTH_SECRET) return env.NEXTAUTH_SECRET;
  const file = path.resolve(env.DATA_DIR, "auth-secret");
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    try {
      writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600, flag: "wx" });
    } catch {
      // Another process created it first: use theirs.
    }
  }
  return readFileSync(file, "utf8").trim();
}
