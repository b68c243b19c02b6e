import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { setDatabase } from "../db/client.ts";
import { createTestDatabase } from "../db/test-database.ts";
import type { TDatabase } from "../db/open-database.ts";

// Today's admin configuration, changed by the test; the rest of the environment is real.
const config: Record<string, unknown> = { ADMIN_EMAILS: ["adrian@example.com"], ADMIN_GROUPS: ["portal-admins"], DEMO_MODE: false };
vi.mock("../env.ts", async (importOriginal) => {
  const real = await importOriginal<typeof import("../env.ts")>();
  return { ...real, env: new Proxy(real.env, { get: (target, key) => (typeof key === "string" && key in config ? config[key] : Reflect.get(target, key)) }) };
});
// The signed-in session id, as next-auth would decode it from the cookie.
const cookie = { sid: "" };
vi.mock("next-auth", () => ({ getServerSession: async () => ({ sid: cookie.sid }) }));
vi.mock("./get-auth-options.ts", () => ({ getAuthOptions: () => ({}) }));

const { getCurrentUser } = await import("./current-user.ts");
const { recordSignIn, refuseChangedIdentity } = await import("./record-sign-in.ts");
const { resetSignInLink } = await import("../people/manage-people.ts");

let database: TDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  setDatabase(database);
});
afterAll(async () => database?.close());

async function signIn(email: string, groups: string[]) {
  const user = await database.prisma.user.create({ data: { email, name: email, isAdmin: true, idpGroups: groups } });
  const session = await database.prisma.session.create({ data: { userId: user.id, provider: "oidc", expiresAt: new Date(Date.now() + 3_600_000) } });
  cookie.sid = session.id;
}

describe("getCurrentUser", () => {
  it("ends admin rights as soon as the configuration no longer names the user, not at the next sign-in", async () => {
    await signIn("adrian@example.com", []);
    expect((await getCurrentUser())?.isAdmin).toBe(true);
    config.ADMIN_EMAILS = [];
    expect((await getCurrentUser())?.isAdmin).toBe(false);

    await signIn("grace@example.com", ["portal-admins"]);
    expect((await getCurrentUser())?.isAdmin).toBe(true);
    config.ADMIN_GROUPS = ["someone-else"];
    expect((await getCurrentUser())?.isAdmin).toBe(false);
  });
});

describe("recordSignIn", () => {
  it("refuses a disabled account without a session, and audits the attempt", async () => {
    const user = await database.prisma.user.create({ data: { email: "gone@example.com", name: "Gone", disabled: true } });
    await expect(recordSignIn({ email: "Gone@Example.com", name: "Gone", groups: [], provider: "oidc", maxAgeS: 3600 })).rejects.toThrow(/disabled/);
    expect(await database.prisma.session.count({ where: { userId: user.id } })).toBe(0);
    const refused = await database.prisma.auditEvent.findFirst({ where: { action: "auth.sign_in_refused", subjectId: user.id } });
    expect(refused?.details).toMatchObject({ provider: "oidc", reason: "account disabled" });
  });
});

describe("the sign-in link to an identity-provider account", () => {
  const signInAs = (subject: string | null) =>
    recordSignIn({ email: "Dana@corp.example", name: "Dana", groups: [], provider: subject ? "oidc" : "demo", maxAgeS: 3600, subject });
  const issuer = "https://idp.example.com";

  it("binds an email to the IdP account that first signs in with it and refuses another one until an admin resets it", async () => {
    expect(await refuseChangedIdentity("dana@corp.example", `${issuer}|u-1`, "oidc")).toBe(false); // nobody yet
    await signInAs(`${issuer}|u-1`);
    const dana = await database.prisma.user.findUniqueOrThrow({ where: { email: "dana@corp.example" } });
    expect(dana.idpSubject).toBe(`${issuer}|u-1`);
    expect(await refuseChangedIdentity("DANA@corp.example", `${issuer}|u-1`, "oidc")).toBe(false);
    await signInAs(`${issuer}|u-1`); // the same account again

    // The IdP gave the address to someone else (or a user edited their own email there).
    expect(await refuseChangedIdentity("dana@corp.example", `${issuer}|u-2`, "oidc")).toBe(true);
    const refused = await database.prisma.auditEvent.findFirstOrThrow({ where: { action: "auth.sign_in_refused", subjectId: dana.id }, orderBy: { seq: "desc" } });
    expect(refused.details).toMatchObject({ reason: "another identity-provider account", boundTo: `${issuer}|u-1`, attempted: `${issuer}|u-2` });
    // The callback's check and the session write race: the write refuses too.
    await expect(signInAs(`${issuer}|u-2`)).rejects.toThrow(/another identity-provider account/);

    // An admin resets the link after a legitimate change; the next single sign-on binds anew.
    await resetSignInLink(database.prisma, { id: dana.id, email: "admin@example.com" }, { userId: dana.id });
    await expect(resetSignInLink(database.prisma, { id: dana.id, email: "admin@example.com" }, { userId: dana.id })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await database.prisma.auditEvent.count({ where: { action: "user.sign_in_link_reset", subjectId: dana.id } })).toBe(1);
    expect(await refuseChangedIdentity("dana@corp.example", `${issuer}|u-2`, "oidc")).toBe(false);
    await signInAs(`${issuer}|u-2`);
    expect((await database.prisma.user.findUniqueOrThrow({ where: { id: dana.id } })).idpSubject).toBe(`${issuer}|u-2`);
  });

  it("re-links instead of refusing while OIDC_RELINK_ACCOUNTS is set (an IdP move), and audits it", async () => {
    await recordSignIn({ email: "erin@corp.example", name: "Erin", groups: [], provider: "oidc", maxAgeS: 3600, subject: `${issuer}|old` });
    config.OIDC_RELINK_ACCOUNTS = true;
    try {
      expect(await refuseChangedIdentity("erin@corp.example", "https://new-idp.example|new", "oidc")).toBe(false);
      await recordSignIn({ email: "erin@corp.example", name: "Erin", groups: [], provider: "oidc", maxAgeS: 3600, subject: "https://new-idp.example|new" });
    } finally {
      delete config.OIDC_RELINK_ACCOUNTS;
    }
    const erin = await database.prisma.user.findUniqueOrThrow({ where: { email: "erin@corp.example" } });
    expect(erin.idpSubject).toBe("https://new-idp.example|new");
    const relinked = await database.prisma.auditEvent.findFirstOrThrow({ where: { action: "user.sign_in_relinked", subjectId: erin.id } });
    expect(relinked.details).toMatchObject({ previous: `${issuer}|old`, now: "https://new-idp.example|new" });
    // Flag off again: the new link holds.
    expect(await refuseChangedIdentity("erin@corp.example", `${issuer}|old`, "oidc")).toBe(true);
  });

  it("leaves a sign-in without an IdP subject (demo) unbound", async () => {
    await recordSignIn({ email: "demo-only@example.com", name: null, groups: [], provider: "demo", maxAgeS: 3600, subject: null });
    expect((await database.prisma.user.findUniqueOrThrow({ where: { email: "demo-only@example.com" } })).idpSubject).toBeNull();
  });
});
