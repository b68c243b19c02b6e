import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret } from "./secret-box.ts";

describe("secret box", () => {
  const key = randomBytes(32);
  it("round-trips and never repeats a ciphertext", () => {
    const a = encryptSecret("wJalrXUtnFEMI/K7MDENG", key);
    const b = encryptSecret("wJalrXUtnFEMI/K7MDENG", key);
    expect(a).not.toEqual(b);
    expect(a).not.toContain("wJalr");
    expect(decryptSecret(a, key)).toBe("wJalrXUtnFEMI/K7MDENG");
  });
  it("rejects a tampered value or another key", () => {
    const sealed = encryptSecret("secret", key);
    const parts = sealed.split(":");
    parts[3] = Buffer.from("tampered").toString("base64");
    expect(() => decryptSecret(parts.join(":"), key)).toThrow();
    expect(() => decryptSecret(sealed, randomBytes(32))).toThrow();
  });
  it("refuses a truncated authentication tag even when its bytes are right", () => {
    const parts = encryptSecret("secret", key).split(":");
    parts[2] = Buffer.from(parts[2]!, "base64").subarray(0, 4).toString("base64");
    expect(() => decryptSecret(parts.join(":"), key)).toThrow();
  });
});
