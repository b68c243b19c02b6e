import { describe, expect, it } from "vitest";
import { safeReturnTo, signInPath } from "./return-to.ts";

describe("safeReturnTo", () => {
  it("keeps a path of this portal, with its query", () => {
    expect(safeReturnTo("/catalog/request?resource=abc")).toBe("/catalog/request?resource=abc");
    expect(safeReturnTo("/requests")).toBe("/requests");
  });

  it("refuses anything that could leave the portal or loop", () => {
    for (const bad of ["https://evil.example", "//evil.example/x", "/\\evil.example", "evil", "", "/signin", "/signin?next=/x", "/api/auth/signout", "/ok\\..", "/a\nb", undefined, 42, "/" + "a".repeat(2001)]) {
      expect(safeReturnTo(bad), String(bad)).toBe("/catalog");
    }
  });

  it("builds the sign-in link that comes back", () => {
    expect(signInPath("/catalog/request?resource=abc")).toBe("/signin?next=%2Fcatalog%2Frequest%3Fresource%3Dabc");
    expect(signInPath()).toBe("/signin");
    expect(signInPath("https://evil.example")).toBe("/signin?next=%2Fcatalog");
  });
});
