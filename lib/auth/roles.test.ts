import { describe, expect, it } from "vitest";
import { groupsFromClaim, isAdminIdentity } from "./roles.ts";

describe("isAdminIdentity", () => {
  const config = { adminEmails: ["Boss@Example.com"], adminGroups: ["portal-admins"] };
  it("matches an admin email case-insensitively", () => {
    expect(isAdminIdentity({ email: "boss@example.com", groups: [] }, config)).toBe(true);
  });
  it("matches an admin group claim", () => {
    expect(isAdminIdentity({ email: "x@example.com", groups: ["dev", "Portal-Admins"] }, config)).toBe(true);
  });
  it("refuses everyone else", () => {
    expect(isAdminIdentity({ email: "x@example.com", groups: ["dev"] }, config)).toBe(false);
    expect(isAdminIdentity({ email: "x@example.com", groups: [] }, { adminEmails: [], adminGroups: [] })).toBe(false);
  });
});

describe("groupsFromClaim", () => {
  it("accepts arrays, comma lists and nothing", () => {
    expect(groupsFromClaim(["a", 1, "b"])).toEqual(["a", "b"]);
    expect(groupsFromClaim("a, b")).toEqual(["a", "b"]);
    expect(groupsFromClaim(undefined)).toEqual([]);
  });
});
