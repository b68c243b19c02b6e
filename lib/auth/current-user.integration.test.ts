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
const { recordSignIn } = await import("./record-sign-in.ts");

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
