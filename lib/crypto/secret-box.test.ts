import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sealV1 } from "./legacy-v1-seal.test-helper.ts";
import { decryptSecret, encryptSecret, integrationSecretContext, keyId, resealSecret, SecretBoxError } from "./secret-box.ts";

const here = integrationSecretContext("int-a");
const there = integrationSecretContext("int-b");

function failure(run: () => unknown): SecretBoxError {
  try {
    run();
  } catch (e) {
    if (e instanceof SecretBoxError) return e;
    throw e;
  }
  throw new Error("expected a SecretBoxError");
}

describe("secret box", () => {
  const key = randomBytes(32);
  const ring = { current: key };
  it("round-trips and never repeats a ciphertext", () => {
    const a = encryptSecret("wJalrXUtnFEMI/K7MDENG", here, ring);
    const b = encryptSecret("wJalrXUtnFEMI/K7MDENG", here, ring);
    expect(a).not.toEqual(b);
    expect(a).not.toContain("wJalr");
    expect(a.startsWith(`v2:${keyId(key)}:`)).toBe(true);
    expect(decryptSecret(a, here, ring)).toBe("wJalrXUtnFEMI/K7MDENG");
  });
  it("rejects a tampered value or another key", () => {
    const sealed = encryptSecret("secret", here, ring);
    const parts = sealed.split(":");
    parts[4] = Buffer.from("tampered").toString("base64");
    expect(failure(() => decryptSecret(parts.join(":"), here, ring)).reason).toBe("mismatch");
    expect(() => decryptSecret(sealed, here, { current: randomBytes(32) })).toThrow(SecretBoxError);
  });
  it("refuses a truncated authentication tag even when its bytes are right", () => {
    const parts = encryptSecret("secret", here, ring).split(":");
    parts[3] = Buffer.from(parts[3]!, "base64").subarray(0, 4).toString("base64");
    expect(failure(() => decryptSecret(parts.join(":"), here, ring)).reason).toBe("malformed");
    const v1 = sealV1("secret", key).split(":");
    v1[2] = Buffer.from(v1[2]!, "base64").subarray(0, 4).toString("base64");
    expect(failure(() => decryptSecret(v1.join(":"), here, ring)).reason).toBe("malformed");
  });

  it("binds a value to where it belongs: another row or field does not open it", () => {
    const sealed = encryptSecret("secret", here, ring);
    const moved = failure(() => decryptSecret(sealed, there, ring));
    expect(moved.reason).toBe("mismatch");
    expect(moved.message).toContain("does not authenticate as integration:int-b:secretAccessKey");
    expect(() => decryptSecret(sealed, "integration:int-a:otherField", ring)).toThrow(SecretBoxError);
    // Relabelled as v1 (no associated data) it does not open either.
    const [, , iv, tag, body] = sealed.split(":");
    expect(() => decryptSecret(["v1", iv, tag, body].join(":"), here, ring)).toThrow(SecretBoxError);
  });

  it("still opens v1 values (existing databases), with the current or a previous key, wherever they are", () => {
    expect(decryptSecret(sealV1("old", key), here, ring)).toBe("old");
    const old = randomBytes(32);
    expect(decryptSecret(sealV1("older", old), here, { current: key, previous: [old] })).toBe("older");
    expect(failure(() => decryptSecret(sealV1("older", old), here, ring)).reason).toBe("unknown-key");
  });

  it("opens a value sealed with a previous key, and seals new values with the current one", () => {
    const old = randomBytes(32);
    const sealed = encryptSecret("secret", here, { current: old });
    const rotated = { current: key, previous: [randomBytes(32), old] };
    expect(decryptSecret(sealed, here, rotated)).toBe("secret");
    expect(encryptSecret("secret", here, rotated).startsWith(`v2:${keyId(key)}:`)).toBe(true);
    // A previous key still checks where the value belongs.
    expect(failure(() => decryptSecret(sealed, there, rotated)).reason).toBe("mismatch");
  });

  it("names a key id it does not hold, instead of a bare authentication failure", () => {
    const gone = randomBytes(32);
    const e = failure(() => decryptSecret(encryptSecret("secret", here, { current: gone }), here, ring));
    expect(e.reason).toBe("unknown-key");
    expect(e.keyId).toBe(keyId(gone));
    expect(e.message).toBe(`sealed with key id ${keyId(gone)}, which is neither ENCRYPTION_KEY nor in ENCRYPTION_KEY_PREVIOUS`);
  });

  it("reseals v1 and previous-key values with the current key, bound to their place, and leaves current ones", () => {
    const old = randomBytes(32);
    const rotated = { current: key, previous: [old] };
    for (const stored of [sealV1("secret", old), encryptSecret("secret", here, { current: old })]) {
      const again = resealSecret(stored, here, rotated)!;
      expect(again.startsWith(`v2:${keyId(key)}:`)).toBe(true);
      expect(decryptSecret(again, here, ring)).toBe("secret");
      expect(() => decryptSecret(again, there, ring)).toThrow(SecretBoxError);
    }
    expect(resealSecret(encryptSecret("secret", here, ring), here, rotated)).toBeNull();
    // A value that belongs elsewhere is refused, not re-bound here.
    expect(() => resealSecret(encryptSecret("secret", there, { current: old }), here, rotated)).toThrow(SecretBoxError);
  });

  it("refuses malformed values", () => {
    for (const v of ["", "v1:a:b", "v3:a:b:c:d", `v2:zzzzzzzz:a:b:c`, `${encryptSecret("s", here, ring)}:extra`]) {
      expect(failure(() => decryptSecret(v, here, ring)).reason).toBe("malformed");
    }
  });
});
