import {
  ConflictException,
  CreateGroupMembershipCommand,
  DeleteGroupMembershipCommand,
  DescribeGroupCommand,
  DescribeUserCommand,
  GetGroupIdCommand,
  GetGroupMembershipIdCommand,
  GetUserIdCommand,
  IsMemberInGroupsCommand,
  ListGroupMembershipsCommand,
  ListGroupMembershipsForMemberCommand,
  ListGroupsCommand,
  ListUsersCommand,
  ResourceNotFoundException,
  paginateListUsers,
} from "@aws-sdk/client-identitystore";
import {
  AccessDeniedException,
  AccountNotFoundException,
  DescribeAccountCommand,
  DescribeOrganizationCommand,
  DescribeOrganizationalUnitCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
  ListTagsForResourceCommand,
  paginateListAccounts,
} from "@aws-sdk/client-organizations";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAwsSimulator, type AwsSimulator } from "./index";
import { SAMPLE_ORG } from "./sample-org";
import { assumePortalRole, expectAwsError, simClients } from "./test-clients";

const S = SAMPLE_ORG.identityStoreId;
let sim: AwsSimulator;
let c: ReturnType<typeof simClients>;

beforeAll(async () => {
  sim = await startAwsSimulator({ throttling: false });
  c = simClients(sim);
});
afterAll(async () => sim.close());
beforeEach(() => sim.reset());

const userIdOf = async (attr: "userName" | "emails.value", value: string) =>
  (await c.ids.send(new GetUserIdCommand({ IdentityStoreId: S, AlternateIdentifier: { UniqueAttribute: { AttributePath: attr, AttributeValue: value } } }))).UserId!;
const groupIdOf = async (name: string) =>
  (await c.ids.send(new GetGroupIdCommand({ IdentityStoreId: S, AlternateIdentifier: { UniqueAttribute: { AttributePath: "displayName", AttributeValue: name } } }))).GroupId!;

describe("identitystore", () => {
  it("has the four demo users with their groups", async () => {
    const expected: [string, string, string[]][] = [
      [SAMPLE_ORG.users.riley, "Riley Park", ["Developers"]],
      [SAMPLE_ORG.users.avery, "Avery Chen", ["Developers", "Platform Leads"]],
      [SAMPLE_ORG.users.sam, "Sam Ortiz", ["Security"]],
      [SAMPLE_ORG.users.adrian, "Adrian Cole", ["Platform Admins", "Security"]],
    ];
    for (const [email, name, groups] of expected) {
      const id = await userIdOf("userName", email);
      expect(await userIdOf("emails.value", email.toUpperCase())).toBe(id);
      const u = await c.ids.send(new DescribeUserCommand({ IdentityStoreId: S, UserId: id }));
      expect(u).toMatchObject({ UserName: email, DisplayName: name, Emails: [{ Value: email, Type: "work", Primary: true }] });
      const ms = await c.ids.send(new ListGroupMembershipsForMemberCommand({ IdentityStoreId: S, MemberId: { UserId: id } }));
      const names = await Promise.all((ms.GroupMemberships ?? []).map(async (m) => (await c.ids.send(new DescribeGroupCommand({ IdentityStoreId: S, GroupId: m.GroupId! }))).DisplayName));
      expect(names.sort()).toEqual(groups);
    }
  });

  it("pages users and groups", async () => {
    const first = await c.ids.send(new ListUsersCommand({ IdentityStoreId: S, MaxResults: 5 }));
    expect(first.Users).toHaveLength(5);
    expect(first.NextToken).toBeTruthy();
    const all: string[] = [];
    for await (const p of paginateListUsers({ client: c.ids, pageSize: 7 }, { IdentityStoreId: S })) all.push(...(p.Users ?? []).map((u) => u.UserName!));
    expect(all).toHaveLength(20);
    expect(all.every((u) => u.endsWith("@example.com"))).toBe(true);
    const groups = await c.ids.send(new ListGroupsCommand({ IdentityStoreId: S }));
    expect(groups.Groups?.map((g) => g.DisplayName).sort()).toEqual(["Data Engineers", "Developers", "Platform Admins", "Platform Leads", "Read Only Auditors", "Security"]);
    const badToken = await expectAwsError(c.ids.send(new ListUsersCommand({ IdentityStoreId: S, NextToken: "garbage" })));
    expect(badToken.name).toBe("ValidationException");
  });

  it("creates, detects duplicates, finds and deletes memberships", async () => {
    const sam = await userIdOf("userName", SAMPLE_ORG.users.sam);
    const devs = await groupIdOf("Developers");
    const created = await c.ids.send(new CreateGroupMembershipCommand({ IdentityStoreId: S, GroupId: devs, MemberId: { UserId: sam } }));
    expect(created.MembershipId).toBeTruthy();
    const dup = await expectAwsError(c.ids.send(new CreateGroupMembershipCommand({ IdentityStoreId: S, GroupId: devs, MemberId: { UserId: sam } })));
    expect(dup.raw).toBeInstanceOf(ConflictException);
    expect((dup.raw as unknown as ConflictException).Reason).toBe("UNIQUENESS_CONSTRAINT_VIOLATION");
    const id = await c.ids.send(new GetGroupMembershipIdCommand({ IdentityStoreId: S, GroupId: devs, MemberId: { UserId: sam } }));
    expect(id.MembershipId).toBe(created.MembershipId);
    const members = await c.ids.send(new ListGroupMembershipsCommand({ IdentityStoreId: S, GroupId: devs }));
    expect(members.GroupMemberships?.some((m) => m.MemberId && "UserId" in m.MemberId && m.MemberId.UserId === sam)).toBe(true);
    const sec = await groupIdOf("Security");
    const inGroups = await c.ids.send(new IsMemberInGroupsCommand({ IdentityStoreId: S, MemberId: { UserId: sam }, GroupIds: [devs, sec, await groupIdOf("Platform Admins")] }));
    expect(inGroups.Results?.map((r) => r.MembershipExists)).toEqual([true, true, false]);
    await c.ids.send(new DeleteGroupMembershipCommand({ IdentityStoreId: S, MembershipId: created.MembershipId! }));
    const gone = await expectAwsError(c.ids.send(new GetGroupMembershipIdCommand({ IdentityStoreId: S, GroupId: devs, MemberId: { UserId: sam } })));
    expect(gone.raw).toBeInstanceOf(ResourceNotFoundException);
    expect((gone.raw as unknown as ResourceNotFoundException).ResourceType).toBe("GROUP_MEMBERSHIP");
  });

  it("answers ResourceNotFound for unknown users and validates ids", async () => {
    const missing = await expectAwsError(c.ids.send(new GetUserIdCommand({ IdentityStoreId: S, AlternateIdentifier: { UniqueAttribute: { AttributePath: "userName", AttributeValue: "nobody@example.com" } } })));
    expect(missing.raw).toBeInstanceOf(ResourceNotFoundException);
    const bad = await expectAwsError(c.ids.send(new DescribeUserCommand({ IdentityStoreId: S, UserId: "x" })));
    expect(bad.name).toBe("ValidationException");
    const badStore = await expectAwsError(c.ids.send(new ListUsersCommand({ IdentityStoreId: "d-123" })));
    expect(badStore.name).toBe("ValidationException");
  });

  it("sees users added through the control API", async () => {
    const res = await fetch(`${sim.url}/_sim/users`, { method: "POST", body: JSON.stringify({ userName: "newhire@example.com", givenName: "New", familyName: "Hire" }) });
    expect(res.status).toBe(200);
    const id = await userIdOf("emails.value", "newhire@example.com");
    expect((await c.ids.send(new DescribeUserCommand({ IdentityStoreId: S, UserId: id }))).DisplayName).toBe("New Hire");
  });
});

describe("organizations", () => {
  it("returns an empty first page with a NextToken when the list spans pages", async () => {
    const first = await c.org.send(new ListAccountsCommand({ MaxResults: 3 }));
    expect(first.Accounts).toEqual([]);
    expect(first.NextToken).toBeTruthy();
    const ids: string[] = [];
    for await (const p of paginateListAccounts({ client: c.org, pageSize: 3 }, {})) ids.push(...(p.Accounts ?? []).map((a) => a.Id!));
    expect(ids.sort()).toEqual(Object.values(SAMPLE_ORG.accounts).sort());
    const single = await c.org.send(new ListAccountsCommand({}));
    expect(single.Accounts).toHaveLength(7);
    expect(single.NextToken).toBeUndefined();
    expect(single.Accounts?.[0]).toMatchObject({ State: "ACTIVE", Arn: expect.stringMatching(/^arn:aws:organizations::111111111111:account\/o-/) });
    const tooMany = await expectAwsError(c.org.send(new ListAccountsCommand({ MaxResults: 21 })));
    expect(tooMany.name).toBe("InvalidInputException");
  });

  it("walks the nested OU tree", async () => {
    const roots = await c.org.send(new ListRootsCommand({}));
    const root = roots.Roots![0]!.Id!;
    const top = await c.org.send(new ListOrganizationalUnitsForParentCommand({ ParentId: root }));
    expect(top.OrganizationalUnits?.map((o) => o.Name).sort()).toEqual(["Sandbox", "Security", "Workloads"]);
    const workloads = top.OrganizationalUnits!.find((o) => o.Name === "Workloads")!;
    const sub = await c.org.send(new ListOrganizationalUnitsForParentCommand({ ParentId: workloads.Id! }));
    expect(sub.OrganizationalUnits?.map((o) => o.Name).sort()).toEqual(["Dev", "Prod"]);
    const prod = sub.OrganizationalUnits!.find((o) => o.Name === "Prod")!;
    const prodAccounts = await c.org.send(new ListAccountsForParentCommand({ ParentId: prod.Id! }));
    expect(prodAccounts.Accounts?.map((a) => a.Name).sort()).toEqual(["data-prod", "prod-workloads"]);
    // direct children only
    expect((await c.org.send(new ListAccountsForParentCommand({ ParentId: workloads.Id! }))).Accounts).toEqual([]);
    const parents = await c.org.send(new ListParentsCommand({ ChildId: SAMPLE_ORG.accounts.dataProd }));
    expect(parents.Parents).toEqual([{ Id: prod.Id, Type: "ORGANIZATIONAL_UNIT" }]);
    expect((await c.org.send(new ListParentsCommand({ ChildId: workloads.Id! }))).Parents).toEqual([{ Id: root, Type: "ROOT" }]);
    expect((await c.org.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: prod.Id! }))).OrganizationalUnit?.Name).toBe("Prod");
  });

  it("describes accounts, tags and the organization", async () => {
    const a = await c.org.send(new DescribeAccountCommand({ AccountId: SAMPLE_ORG.accounts.sandbox }));
    expect(a.Account).toMatchObject({ Id: "444444444444", Name: "sandbox", State: "ACTIVE" });
    expect(a.Account?.JoinedTimestamp).toBeInstanceOf(Date);
    const missing = await expectAwsError(c.org.send(new DescribeAccountCommand({ AccountId: "999999999999" })));
    expect(missing.raw).toBeInstanceOf(AccountNotFoundException);
    const tags = await c.org.send(new ListTagsForResourceCommand({ ResourceId: SAMPLE_ORG.accounts.prodWorkloads }));
    expect(tags.Tags).toContainEqual({ Key: "environment", Value: "prod" });
    const org = await c.org.send(new DescribeOrganizationCommand({}));
    expect(org.Organization).toMatchObject({ MasterAccountId: "111111111111", FeatureSet: "ALL" });
  });

  it("denies member-account callers", async () => {
    const creds = await assumePortalRole(sim, SAMPLE_ORG.accounts.sandbox);
    const member = simClients(sim, { credentials: creds });
    const err = await expectAwsError(member.org.send(new ListAccountsCommand({})));
    expect(err.raw).toBeInstanceOf(AccessDeniedException);
  });
});
