import { describe, expect, it } from "vitest";
import { isoDurationMs, tempPermissionSetName, looksLikeTempPermissionSetName, tempSessionDuration } from "./temp-permission-set.ts";

describe("temporary permission set", () => {
  it("names are stable, 32 characters, valid for AWS and distinct per grant", () => {
    const a = tempPermissionSetName("jit-", "grant-1");
    expect(a).toHaveLength(32);
    expect(a).toMatch(/^jit-[a-z2-7]+$/);
    expect(tempPermissionSetName("jit-", "grant-1")).toBe(a);
    expect(tempPermissionSetName("jit-", "grant-2")).not.toBe(a);
    expect(tempPermissionSetName("a very long prefix/with bad chars!", "g")).toMatch(/^[\w+=,.@-]{32}$/);
  });
  it("recognises its own names and nothing that merely starts with the prefix", () => {
    expect(looksLikeTempPermissionSetName(tempPermissionSetName("jit-", "g-1"), "jit-")).toBe(true);
    expect(looksLikeTempPermissionSetName("jit-readonly", "jit-")).toBe(false);
    expect(looksLikeTempPermissionSetName(`jit-${"A".repeat(28)}`, "jit-")).toBe(false);
    expect(looksLikeTempPermissionSetName(tempPermissionSetName("jit-", "g-1"), "tmp-")).toBe(false);
  });

  it("session duration is whole hours, never longer than the grant, within PT1H..PT12H", () => {
    const t = new Date("2026-01-01T00:00:00Z");
    const plus = (m: number) => new Date(t.getTime() + m * 60_000);
    expect(tempSessionDuration(t, plus(15))).toBe("PT1H");
    expect(tempSessionDuration(t, plus(119))).toBe("PT1H");
    expect(tempSessionDuration(t, plus(120))).toBe("PT2H");
    expect(tempSessionDuration(t, plus(60 * 30))).toBe("PT12H");
  });
  it("parses AWS session durations", () => {
    expect(isoDurationMs("PT8H")).toBe(8 * 3_600_000);
    expect(isoDurationMs("PT1H30M")).toBe(90 * 60_000);
    expect(isoDurationMs("P1D")).toBeNull();
    expect(isoDurationMs(null)).toBeNull();
  });
});
