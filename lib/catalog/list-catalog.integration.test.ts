import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../db/test-database.ts";
import type { TDatabase } from "../db/open-database.ts";
import { seedDemoPolicies } from "../demo/seed-demo-policies.ts";
import { listCatalog, type TCatalogPage } from "./list-catalog.ts";
import { ZCatalogQuery, type TCatalogQuery } from "./catalog-query";
import { seedCatalogFixture, type TCatalogFixture } from "./test-fixtures.ts";
import { getRequestForm } from "./get-request-form.ts";
import { listCatalogFacets } from "./list-catalog-facets.ts";

let database: TDatabase;
let f: TCatalogFixture;

beforeAll(async () => {
  database = await createTestDatabase();
  f = await seedCatalogFixture(database.prisma);
});
afterAll(async () => {
  await database?.close();
});

const query = (q: Partial<Record<keyof TCatalogQuery, unknown>> = {}) => ZCatalogQuery.parse(q);
const list = (q: Partial<Record<keyof TCatalogQuery, unknown>> = {}, email = "riley@example.com") =>
  listCatalog(database.prisma, { userEmail: email, query: query(q) });
const names = (page: TCatalogPage) => page.accounts.flatMap((a) => a.items.map((i) => i.name));

describe("catalog listing", () => {
  it("says there is no integration when none is configured", async () => {
    const empty = await createTestDatabase();
    try {
      const page = await listCatalog(empty.prisma, { userEmail: "riley@example.com", query: query() });
      expect(page.status).toBe("NO_INTEGRATION");
      expect(page.accounts).toEqual([]);
    } finally {
      await empty.close();
    }
  });

  it("groups items by account (name order) with OU path, permission sets first, hides portal-managed and deleted rows", async () => {
    const page = await list();
    expect(page.status).toBe("READY");
    expect(page.accounts.map((a) => [a.name, a.accountId, a.ouPath])).toEqual([
      ["dev-workloads", "333333333333", "Root/Workloads/Dev"],
      ["prod-workloads", "222222222222", "Root/Workloads/Prod"],
    ]);
    const dev = page.accounts[0]!;
    expect(dev.items.map((i) => i.type)).toEqual(["PERMISSION_SET", "IAM_POLICY", "S3_BUCKET", "EC2_INSTANCE"]);
    expect(dev.items[0]!.name).toBe("ReadOnlyAccess");
    const all = names(page);
    expect(all).not.toContain("jit-temp0001");
    expect(all).not.toContain("RetiredAccess");
    expect(all).not.toContain("platform-dev-deleted-9-333333333333");
    expect(all).not.toContain("closed-bucket-999999999999");
    expect(page.groups?.items.map((g) => g.name)).toEqual(["Data Engineers", "Developers", "Platform Leads", "Security"]);
    expect(page.nextCursor).toBeNull();
  });

  it("searches name, ARN and tags case-insensitively, and treats LIKE wildcards literally", async () => {
    expect(names(await list({ q: "PLATFORM-PROD-APP" }))).toEqual(["platform-prod-app-0-222222222222"]);
    expect(names(await list({ q: "arn:aws:iam::333333333333:policy" }))).toEqual(["platform-data-access-1"]);
    expect(names(await list({ q: "name=platform-web" }))).toEqual(["i-0123456789abcdef0"]);
    expect(names(await list({ q: "%" }))).toEqual([]);
    expect((await list({ q: "%" })).groups?.items).toEqual([]);
    expect((await list({ q: "_" })).groups?.items).toEqual([]);
    // A permission set's tags are searchable as key=value too, like a resource's.
    const ps = await database.prisma.permissionSet.findFirstOrThrow({ where: { name: "ReadOnlyAccess" } });
    await database.prisma.permissionSet.update({ where: { id: ps.id }, data: { tags: { team: "platform" } } });
    try {
      expect(names(await list({ q: "team=platform", type: "PERMISSION_SET" }))).toContain("ReadOnlyAccess");
    } finally {
      await database.prisma.permissionSet.update({ where: { id: ps.id }, data: { tags: ps.tags ?? {} } });
    }
    const nothing = await list({ q: "no-such-thing" });
    expect(nothing.accounts).toEqual([]);
    expect(nothing.groups?.items).toEqual([]);
    expect(nothing.discovered).toBe(true);
    expect((await list({ q: "leads" })).groups?.items.map((g) => g.name)).toEqual(["Platform Leads"]);
  });

  it("filters by type, account, OU (with descendants) and tag", async () => {
    expect(names(await list({ type: "S3_BUCKET" })).sort()).toEqual(
      ["platform-dev-app-0-333333333333", "platform-prod-app-0-222222222222", "platform-prod-logs-2-222222222222"].sort(),
    );
    const byAccount = await list({ account: "222222222222" });
    expect(byAccount.accounts.map((a) => a.accountId)).toEqual(["222222222222"]);
    expect(byAccount.groups).toBeNull();
    expect((await list({ ou: "ou-jt01-workload" })).accounts).toHaveLength(2);
    expect((await list({ ou: "ou-jt01-prod0001" })).accounts.map((a) => a.name)).toEqual(["prod-workloads"]);
    expect(names(await list({ tag: "environment=prod" })).sort()).toEqual(
      ["i-0123456789abcdef0", "platform-app-role-0", "platform-prod-app-0-222222222222", "prod/platform/app-0"].sort(),
    );
    expect(names(await list({ tag: "Name" }))).toEqual(["i-0123456789abcdef0"]);
    const groupsOnly = await list({ type: "GROUP" });
    expect(groupsOnly.accounts).toEqual([]);
    expect(groupsOnly.groups?.items).toHaveLength(4);
    expect(names(await list({ type: "PERMISSION_SET" }))).toEqual(["ReadOnlyAccess", "ReadOnlyAccess"]);
  });

  it("pages with a keyset cursor: every item exactly once, in order", async () => {
    const everything = names(await list());
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await list({ limit: 3, cursor });
      expect(page.itemCount).toBeLessThanOrEqual(3);
      seen.push(...names(page));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
      if (pages > 1) expect(page.groups).toBeNull();
    } while (cursor);
    expect(seen).toEqual(everything);
    expect(pages).toBe(Math.ceil(everything.length / 3));
    await expect(list({ cursor: "garbage" })).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });

  it("pages correctly across many accounts (batched account walk), with filters", async () => {
    const other = await database.prisma.integration.create({ data: { name: "many", authMethod: "ACCESS_KEY" } });
    const expected: string[] = [];
    for (let a = 0; a < 70; a++) {
      const account = await database.prisma.account.create({ data: { integrationId: other.id, accountId: String(500000000000 + a), name: `acct-${String(a).padStart(2, "0")}` } });
      for (const n of ["b", "a"]) {
        const name = `bucket-${n}-${a}`;
        await database.prisma.resource.create({
          data: { integrationId: other.id, accountId: account.id, type: "S3_BUCKET", arn: `arn:aws:s3:::${name}`, name, searchText: name, tags: a % 2 ? { keep: "yes" } : {} },
        });
      }
      expected.push(`bucket-a-${a}`, `bucket-b-${a}`);
    }
    const walk = async (extra: Partial<Record<keyof TCatalogQuery, unknown>>) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await list({ integration: other.id, limit: 7, cursor, ...extra });
        seen.push(...names(page));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return seen;
    };
    expect(await walk({})).toEqual(expected);
    expect(await walk({ tag: "keep=yes" })).toEqual(expected.filter((n) => Number(n.split("-")[2]) % 2 === 1));
    expect(await walk({ q: "bucket-a-6" })).toEqual(["bucket-a-6", "bucket-a-60", "bucket-a-61", "bucket-a-62", "bucket-a-63", "bucket-a-64", "bucket-a-65", "bucket-a-66", "bucket-a-67", "bucket-a-68", "bucket-a-69"]);
  });

  it("marks what the requester may request, and says why not otherwise", async () => {
    await seedDemoPolicies(database.prisma, f.integrationId);
    const page = await list();
    const item = (name: string) => page.accounts.flatMap((a) => a.items).find((i) => i.name === name)!;
    const prodBucket = item("platform-prod-app-0-222222222222");
    expect(prodBucket.eligibility).toMatchObject({ eligible: true, autoApprove: false, maxDurationMinutes: 120 });
    expect(item("platform-dev-app-0-333333333333").eligibility).toMatchObject({ eligible: true, autoApprove: true, maxDurationMinutes: 240 });
    const policy = item("platform-data-access-1").eligibility;
    expect(policy.eligible).toBe(false);
    if (!policy.eligible) expect(policy.reasons.join(" ")).toMatch(/No policy covers IAM policies/);
    const devReadOnly = page.accounts[0]!.items[0]!;
    expect(devReadOnly.eligibility.eligible).toBe(false);

    const samPage = await list({}, "sam@example.com");
    const samBucket = samPage.accounts.flatMap((a) => a.items).find((i) => i.name === "platform-prod-app-0-222222222222")!;
    expect(samBucket.eligibility).toMatchObject({ eligible: false, reasons: ["You are not a requester in any policy that covers this resource"] });

    const outsider = await list({}, "outsider@example.com");
    expect(outsider.identity.linked).toBe(false);
    const any = outsider.accounts[0]!.items[0]!.eligibility;
    expect(any.eligible).toBe(false);
    if (!any.eligible) expect(any.reasons[0]).toMatch(/not linked to an IAM Identity Center user/);
  });

  it("the request form shows the exact IAM policy for each allowed level", async () => {
    const form = await getRequestForm(database.prisma, { userEmail: "riley@example.com", target: { kind: "RESOURCE", resourceId: f.resources.prodBucket.id } });
    expect(form.eligible).toBe(true);
    if (!form.eligible) return;
    expect(form.levels.map((l) => l.id)).toEqual(["read"]);
    const read = form.levels[0]!;
    expect(read.approvalSteps).toEqual([{ name: "Platform Leads", quorum: 1, approvers: ["Platform Leads (group)"] }]);
    const document = JSON.parse(read.grant.policyDocument!) as { Statement: { Resource: string }[] };
    expect(document.Statement.map((s) => s.Resource)).toEqual([
      "arn:aws:s3:::platform-prod-app-0-222222222222",
      "arn:aws:s3:::platform-prod-app-0-222222222222/*",
    ]);
    await expect(
      getRequestForm(database.prisma, { userEmail: "riley@example.com", target: { kind: "RESOURCE", resourceId: f.resources.deletedBucket.id } }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    const ps = await getRequestForm(database.prisma, {
      userEmail: "riley@example.com",
      target: { kind: "PERMISSION_SET", permissionSetId: f.permissionSets.readOnly.id, accountId: "222222222222" },
    });
    expect(ps.eligible).toBe(true);
    // Sessions outlast an existing permission set's assignment (AWS ends none at removal); the form says how long.
    if (ps.eligible) expect(ps.sessionsOutlast).toMatch(/can last up to \d+ hours? more/);
    expect(form.sessionsOutlast).toBeNull();
    await expect(
      getRequestForm(database.prisma, {
        userEmail: "riley@example.com",
        target: { kind: "PERMISSION_SET", permissionSetId: f.permissionSets.temp.id, accountId: "222222222222" },
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
  it("leaves out a suspended account's resources and permission sets, and will not open a request form for them", async () => {
    const db = database.prisma;
    const suspended = await db.account.create({ data: { integrationId: f.integrationId, accountId: "444444444444", name: "aaa-suspended", state: "SUSPENDED" } });
    const bucket = await db.resource.create({ data: { integrationId: f.integrationId, accountId: suspended.id, type: "S3_BUCKET", arn: "arn:aws:s3:::suspended-bucket", name: "suspended-bucket" } });
    await db.permissionSetAccount.create({ data: { permissionSetId: f.permissionSets.readOnly.id, accountId: suspended.id } });
    try {
      const page = await list();
      expect(page.accounts.map((a) => a.accountId)).not.toContain("444444444444");
      expect(names(await list({ q: "suspended" }))).toEqual([]);
      await expect(getRequestForm(db, { userEmail: "riley@example.com", target: { kind: "RESOURCE", resourceId: bucket.id } })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(
        getRequestForm(db, { userEmail: "riley@example.com", target: { kind: "PERMISSION_SET", permissionSetId: f.permissionSets.readOnly.id, accountId: "444444444444" } }),
      ).rejects.toMatchObject({ code: "NOT_FOUND" });
    } finally {
      await db.permissionSetAccount.deleteMany({ where: { accountId: suspended.id } });
      await db.resource.delete({ where: { id: bucket.id } });
      await db.account.delete({ where: { id: suspended.id } });
    }
  });
  it("marks what the requester already asked for or holds, and only theirs", async () => {
    const db = database.prisma;
    const riley = await db.user.upsert({ where: { email: "riley@example.com" }, update: {}, create: { email: "riley@example.com" } });
    const base = { integrationId: f.integrationId, requesterId: riley.id, targetType: "RESOURCE" as const, accessLevel: "read", durationMinutes: 60 };
    const pending = await db.accessRequest.create({ data: { ...base, resourceId: f.resources.prodBucket.id } });
    const approved = await db.accessRequest.create({ data: { ...base, resourceId: f.resources.devBucket.id, status: "APPROVED" } });
    const expiresAt = new Date(Date.now() + 3_600_000);
    await db.grant.create({ data: { requestId: approved.id, integrationId: f.integrationId, userId: riley.id, kind: "TEMP_PERMISSION_SET", state: "ACTIVE", startsAt: new Date(), expiresAt } });
    const denied = await db.accessRequest.create({ data: { ...base, resourceId: f.resources.prodInstance.id, status: "DENIED" } });
    try {
      const item = (page: TCatalogPage, id: string) => page.accounts.flatMap((a) => a.items).find((i) => i.id === id)!;
      const page = await list();
      expect(item(page, f.resources.prodBucket.id).mine).toEqual({ requestId: pending.id, state: "PENDING", expiresAt: null });
      expect(item(page, f.resources.devBucket.id).mine).toEqual({ requestId: approved.id, state: "ACTIVE", expiresAt: expiresAt.toISOString() });
      expect(item(page, f.resources.prodInstance.id).mine).toBeNull();
      const other = await list({}, "sam@example.com");
      expect(other.accounts.flatMap((a) => a.items).every((i) => i.mine === null)).toBe(true);
    } finally {
      await db.grant.deleteMany({ where: { requestId: approved.id } });
      await db.accessRequest.deleteMany({ where: { id: { in: [pending.id, approved.id, denied.id] } } });
    }
  });
  it("leaves out the management account when the portal is Identity Center's delegated administrator", async () => {
    const db = database.prisma;
    // dev-workloads plays the management account; the portal's credentials live in prod-workloads.
    await db.account.update({ where: { id: f.accounts.devWorkloads.id }, data: { isManagement: true } });
    await db.integration.update({ where: { id: f.integrationId }, data: { rootAccountId: "222222222222" } });
    try {
      expect((await list()).accounts.map((a) => a.accountId)).toEqual(["222222222222"]);
      expect(names(await list({ q: "platform-data-access" }))).toEqual([]);
      expect((await listCatalogFacets(db, f.integrationId)).accounts.map((a) => a.accountId)).not.toContain("333333333333");
      await expect(
        getRequestForm(db, { userEmail: "riley@example.com", target: { kind: "RESOURCE", resourceId: f.resources.devBucket.id } }),
      ).rejects.toMatchObject({ code: "CONFLICT", userMessage: expect.stringMatching(/delegated administrator/) });
      await expect(
        getRequestForm(db, { userEmail: "riley@example.com", target: { kind: "PERMISSION_SET", permissionSetId: f.permissionSets.readOnly.id, accountId: "333333333333" } }),
      ).rejects.toMatchObject({ code: "CONFLICT" });
      // A permission set also provisioned to the management account cannot be assigned anywhere; one
      // provisioned only to member accounts stays.
      const prodOnly = await db.permissionSet.create({
        data: { integrationId: f.integrationId, name: "ProdOnlyAccess", arn: "arn:aws:sso:::permissionSet/ssoins-7223aa11bb22cc33/ps-prodonly0000000" },
      });
      await db.permissionSetAccount.create({ data: { permissionSetId: prodOnly.id, accountId: f.accounts.prodWorkloads.id } });
      const prodSets = (page: TCatalogPage) => page.accounts.flatMap((a) => a.items.filter((i) => i.type === "PERMISSION_SET").map((i) => `${a.accountId}:${i.name}`));
      expect(prodSets(await list())).toEqual(["222222222222:ProdOnlyAccess"]);
      await expect(
        getRequestForm(db, { userEmail: "riley@example.com", target: { kind: "PERMISSION_SET", permissionSetId: f.permissionSets.readOnly.id, accountId: "222222222222" } }),
      ).rejects.toMatchObject({ code: "CONFLICT", userMessage: expect.stringMatching(/also provisioned to the organization's management account/) });
      // The portal running in the management account itself reaches everything.
      await db.integration.update({ where: { id: f.integrationId }, data: { rootAccountId: "333333333333" } });
      expect((await list()).accounts.map((a) => a.accountId)).toEqual(["333333333333", "222222222222"]);
      expect(prodSets(await list())).toEqual(["333333333333:ReadOnlyAccess", "222222222222:ProdOnlyAccess", "222222222222:ReadOnlyAccess"]);
      await db.permissionSet.delete({ where: { id: prodOnly.id } });
    } finally {
      await db.account.update({ where: { id: f.accounts.devWorkloads.id }, data: { isManagement: false } });
      await db.integration.update({ where: { id: f.integrationId }, data: { rootAccountId: null } });
    }
  });
});
