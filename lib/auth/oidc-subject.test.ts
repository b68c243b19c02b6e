import { describe, expect, it } from "vitest";
import { oidcSubject } from "./oidc-subject.ts";

describe("oidcSubject", () => {
  it("is the same for an issuer written with or without its trailing slash", () => {
    expect(oidcSubject("https://corp.okta.com/", "00u1")).toBe("https://corp.okta.com|00u1");
    expect(oidcSubject("https://corp.okta.com", "00u1")).toBe(oidcSubject("https://corp.okta.com//", "00u1"));
    expect(oidcSubject("https://login.example/tenant/v2.0", "abc")).not.toBe(oidcSubject("https://login.example/other/v2.0", "abc"));
  });
});
