import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { TPortalUser } from "@/lib/auth/current-user";
import { AppError } from "@/lib/errors/app-error";
import { setDatabase } from "@/lib/db/client";
import { createTestDatabase } from "@/lib/db/test-database";
import type { TDatabase } from "@/lib/db/open-database";
import { seedCatalogFixture, type TCatalogFixture } from "@/lib/catalog/test-fixtures";
import { seedDemoPolicies } from "@/lib/demo/seed-demo-policies";
import { submitAccessRequest } from "@/lib/access/submit-access-request";

// Who is signed in, per test: the real session lookup needs a Next request; everything after it is real.
const signedIn: { user: TPortalUser | null } = { user: null };
vi.mock("@/lib/auth/current-user", () => ({
  getCurrentUser: async () => signedIn.user,
  authenticate: async () => {
    if (!signedIn.user) throw new AppError("UNAUTHENTICATED");
    return signedIn.user;
  },
}));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
// next.config.js turns on authInterrupts; outside `next` the flag must be set for forbidden() to throw its 403.
vi.stubEnv("__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS", "true");

const { GET: getRequest } = await import("./[id]/route");
const { GET: listRequests } = await import("./route");
const { cancelAccessRequestAction, revokeGrantEarlyAction } = await import("@/app/(portal)/requests/actions");
const { savePolicyAction, deletePolicyAction } = await import("@/app/(admin)/admin/policies/actions");

let database: TDatabase;
let f: TCatalogFixture;
let samRequestId: string;

const as = (u: { id: string; email: string; name: string | null; isAdmin: boolean }) => {
  signedIn.user = { id: u.id, email: u.email, name: u.name, isAdmin: u.isAdmin, groups: [] };
};

beforeAll(async () => {
  database = await createTestDatabase();
  setDatabase(database);
  f = await seedCatalogFixture(database.prisma);
  await seedDemoPolicies(database.prisma, f.integrationId);
  // Avery (a developer too) asks for the prod bucket: a request that is not Riley's.
  samRequestId = (
    await submitAccessRequest(database.prisma, { id: f.users.avery.id, email: f.users.avery.email }, {
      target: { kind: "RESOURCE", resourceId: f.resources.prodBucket.id },
      accessLevel: "read",
      durationMinutes: 60,
      justification: "mine",
    })
  ).id;
});
afterAll(async () => {
  await database?.close();
});

describe("requests route handlers", () => {
  it("answers 404 for another user's request id, 200 for the owner, 401 signed out", async () => {
    as(f.users.riley);
    const other = await getRequest(new Request("http://x/api/requests/" + samRequestId), { params: Promise.resolve({ id: samRequestId }) });
    expect(other.status).toBe(404);
    const missing = await getRequest(new Request("http://x/api/requests/nope"), { params: Promise.resolve({ id: "nope" }) });
    expect(missing.status).toBe(404);
    expect(await other.json()).toEqual(await missing.json());
    const list = await listRequests(new Request("http://x/api/requests"));
    expect(((await list.json()) as { items: unknown[] }).items).toEqual([]);

    as(f.users.avery);
    const own = await getRequest(new Request("http://x/api/requests/" + samRequestId), { params: Promise.resolve({ id: samRequestId }) });
    expect(own.status).toBe(200);
    expect(((await own.json()) as { status: string }).status).toBe("PENDING");

    signedIn.user = null;
    expect((await listRequests(new Request("http://x/api/requests"))).status).toBe(401);
  });
});

describe("server actions", () => {
  it("refuses to cancel or revoke another user's request or grant", async () => {
    as(f.users.riley);
    const cancel = await cancelAccessRequestAction({ requestId: samRequestId });
    expect(cancel?.serverError).toBe("Request not found.");
    expect((await database.prisma.accessRequest.findUniqueOrThrow({ where: { id: samRequestId } })).status).toBe("PENDING");
    const revoke = await revokeGrantEarlyAction({ grantId: "someone-elses" });
    expect(revoke?.serverError).toBe("Grant not found.");
  });

  it("a requester posting to the policy admin actions is refused with 403 before anything runs", async () => {
    as(f.users.riley);
    const form = new FormData();
    form.set("name", "sneaky");
    form.set("allowEveryone", "on");
    form.set("autoApprove", "on");
    form.set("maxDurationMinutes", "600");
    const is403 = (e: unknown) => (e as { digest?: string }).digest === "NEXT_HTTP_ERROR_FALLBACK;403";
    await expect(savePolicyAction(form)).rejects.toSatisfy(is403);
    const policy = await database.prisma.policy.findFirstOrThrow();
    await expect(deletePolicyAction({ id: policy.id })).rejects.toSatisfy(is403);
    expect(await database.prisma.policy.findUnique({ where: { name: "sneaky" } })).toBeNull();
    expect(await database.prisma.policy.findUnique({ where: { id: policy.id } })).not.toBeNull();
  });

  it("an admin can save a policy through the action; invalid input comes back as field errors", async () => {
    as(f.users.adrian);
    const bad = new FormData();
    bad.set("name", "");
    bad.set("maxDurationMinutes", "5");
    const refused = await savePolicyAction(bad);
    expect(refused?.data).toMatchObject({ ok: false, fieldErrors: { name: ["Name is required"] } });
    const good = new FormData();
    good.set("name", "Everyone reads dev buckets");
    good.set("enabled", "on");
    good.set("allowEveryone", "on");
    good.set("autoApprove", "on");
    good.append("targetTypes", "S3_BUCKET");
    good.set("accountIds", "333333333333");
    good.set("maxDurationMinutes", "60");
    const saved = await savePolicyAction(good);
    expect(saved?.data).toMatchObject({ ok: true });
  });
});
