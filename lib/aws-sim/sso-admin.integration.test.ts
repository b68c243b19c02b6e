import {
  AttachCustomerManagedPolicyReferenceToPermissionSetCommand,
  AttachManagedPolicyToPermissionSetCommand,
  ConflictException,
  CreateAccountAssignmentCommand,
  CreatePermissionSetCommand,
  DeleteAccountAssignmentCommand,
  DeleteInlinePolicyFromPermissionSetCommand,
  DeletePermissionSetCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  DescribePermissionSetCommand,
  DescribePermissionSetProvisioningStatusCommand,
  DetachCustomerManagedPolicyReferenceFromPermissionSetCommand,
  DetachManagedPolicyFromPermissionSetCommand,
  GetInlinePolicyForPermissionSetCommand,
  ListAccountAssignmentsCommand,
  ListAccountAssignmentsForPrincipalCommand,
  ListAccountsForProvisionedPermissionSetCommand,
  ListCustomerManagedPolicyReferencesInPermissionSetCommand,
  ListInstancesCommand,
  ListManagedPoliciesInPermissionSetCommand,
  ListPermissionSetsCommand,
  ListPermissionSetsProvisionedToAccountCommand,
  ListTagsForResourceCommand,
  ProvisionPermissionSetCommand,
  PutInlinePolicyToPermissionSetCommand,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  TagResourceCommand,
  ThrottlingException,
  UntagResourceCommand,
  ValidationException,
  paginateListPermissionSets,
} from "@aws-sdk/client-sso-admin";
import { GetUserIdCommand, GetGroupIdCommand } from "@aws-sdk/client-identitystore";
import { ListRolesCommand } from "@aws-sdk/client-iam";
import { ListAccountsCommand, ListDelegatedAdministratorsCommand, RegisterDelegatedAdministratorCommand } from "@aws-sdk/client-organizations";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAwsSimulator, type AwsSimulator } from "./index";
import { SAMPLE_ORG } from "./sample-org";
import { assumePortalRole, expectAwsError, simClients, waitDone } from "./test-clients";

const I = SAMPLE_ORG.instanceArn;
const A = SAMPLE_ORG.accounts;

let sim: AwsSimulator;
let c: ReturnType<typeof simClients>;

beforeAll(async () => {
  sim = await startAwsSimulator({ seed: "sample", asyncDelayMs: 50, throttling: false });
  c = simClients(sim);
});
afterAll(async () => sim.close());
beforeEach(() => {
  sim.reset();
  sim.setFaults({ replace: true, asyncDelayMs: 50, quotas: { permissionSetsPerInstance: 3500, outstandingAssignmentOperations: 15, rolesPerAccount: 1000, permissionSetsPerAccount: 500 } });
});

async function psByName(name: string): Promise<string> {
  for await (const page of paginateListPermissionSets({ client: c.sso }, { InstanceArn: I })) {
    for (const arn of page.PermissionSets ?? []) {
      const d = await c.sso.send(new DescribePermissionSetCommand({ InstanceArn: I, PermissionSetArn: arn }));
      if (d.PermissionSet?.Name === name) return arn;
    }
  }
  throw new Error(`no permission set ${name}`);
}

async function userId(email: string): Promise<string> {
  const out = await c.ids.send(
    new GetUserIdCommand({ IdentityStoreId: SAMPLE_ORG.identityStoreId, AlternateIdentifier: { UniqueAttribute: { AttributePath: "emails.value", AttributeValue: email } } }),
  );
  return out.UserId!;
}

async function rolesIn(accountId: string): Promise<{ RoleName?: string; Path?: string }[]> {
  const creds = await assumePortalRole(sim, accountId);
  const out = await simClients(sim, { credentials: creds }).iam.send(new ListRolesCommand({ PathPrefix: "/aws-reserved/" }));
  return out.Roles ?? [];
}

const assignment = (accountId: string, psArn: string, principalId: string, principalType: "USER" | "GROUP" = "USER") => ({
  InstanceArn: I,
  TargetId: accountId,
  TargetType: "AWS_ACCOUNT" as const,
  PermissionSetArn: psArn,
  PrincipalType: principalType,
  PrincipalId: principalId,
});

describe("sso-admin permission sets", () => {
  it("lists the instance", async () => {
    const out = await c.sso.send(new ListInstancesCommand({}));
    expect(out.Instances).toEqual([
      expect.objectContaining({ InstanceArn: I, IdentityStoreId: SAMPLE_ORG.identityStoreId, OwnerAccountId: A.management, Status: "ACTIVE" }),
    ]);
  });

  it("creates, describes, pages, tags and deletes a permission set", async () => {
    const created = await c.sso.send(
      new CreatePermissionSetCommand({ InstanceArn: I, Name: "JitTemp", Description: "Temporary elevated access", SessionDuration: "PT2H", Tags: [{ Key: "team", Value: "platform" }] }),
    );
    const arn = created.PermissionSet!.PermissionSetArn!;
    expect(arn).toMatch(/^arn:aws:sso:::permissionSet\/ssoins-7223aa11bb22cc33\/ps-[0-9a-f]{16}$/);
    expect(created.PermissionSet!.CreatedDate).toBeInstanceOf(Date);

    const d = await c.sso.send(new DescribePermissionSetCommand({ InstanceArn: I, PermissionSetArn: arn }));
    expect(d.PermissionSet).toMatchObject({ Name: "JitTemp", SessionDuration: "PT2H", Description: "Temporary elevated access" });

    const first = await c.sso.send(new ListPermissionSetsCommand({ InstanceArn: I, MaxResults: 3 }));
    expect(first.PermissionSets).toHaveLength(3);
    expect(first.NextToken).toBeTruthy();
    const all: string[] = [];
    for await (const p of paginateListPermissionSets({ client: c.sso, pageSize: 4 }, { InstanceArn: I })) all.push(...(p.PermissionSets ?? []));
    expect(all).toHaveLength(9);
    expect(new Set(all).size).toBe(9);

    await c.sso.send(new TagResourceCommand({ InstanceArn: I, ResourceArn: arn, Tags: [{ Key: "env", Value: "prod" }] }));
    await c.sso.send(new UntagResourceCommand({ InstanceArn: I, ResourceArn: arn, TagKeys: ["team"] }));
    const tags = await c.sso.send(new ListTagsForResourceCommand({ InstanceArn: I, ResourceArn: arn }));
    expect(tags.Tags).toEqual([{ Key: "env", Value: "prod" }]);

    await c.sso.send(new DeletePermissionSetCommand({ InstanceArn: I, PermissionSetArn: arn }));
    const gone = await expectAwsError(c.sso.send(new DescribePermissionSetCommand({ InstanceArn: I, PermissionSetArn: arn })));
    expect(gone.name).toBe("ResourceNotFoundException");
  });

  it("rejects duplicate names with ConflictException", async () => {
    const err = await expectAwsError(c.sso.send(new CreatePermissionSetCommand({ InstanceArn: I, Name: "ReadOnlyAccess" })));
    expect(err.name).toBe("ConflictException");
    expect(err.message).toBe("PermissionSet with name ReadOnlyAccess already exists.");
    expect(err.status).toBe(400);
  });

  it.each([
    [{ Name: "has space" }, /name/],
    [{ Name: "x".repeat(33) }, /length less than or equal to 32/],
    [{ Name: "Ok", SessionDuration: "PT13H" }, /PT1H to PT12H/],
    [{ Name: "Ok", SessionDuration: "PT30M" }, /PT1H to PT12H/],
    [{ Name: "Ok", SessionDuration: "1 hour" }, /ISO-8601/],
    [{ Name: "Ok", Description: "bad \u2603 char" }, /description/],
    [{ Name: "Ok", Tags: Array.from({ length: 76 }, (_, i) => ({ Key: `k${i}`, Value: "v" })) }, /75/],
    [{ Name: "Ok", Tags: [{ Key: "k".repeat(129), Value: "v" }] }, /128/],
  ])("validates CreatePermissionSet input %#", async (extra, message) => {
    const err = await expectAwsError(c.sso.send(new CreatePermissionSetCommand({ InstanceArn: I, ...extra } as never)));
    expect(err.raw).toBeInstanceOf(ValidationException);
    expect(err.message).toMatch(message);
  });

  it("validates ARNs and unknown instances", async () => {
    const bad = await expectAwsError(c.sso.send(new DescribePermissionSetCommand({ InstanceArn: I, PermissionSetArn: "arn:aws:sso:::permissionSet/nope" })));
    expect(bad.raw).toBeInstanceOf(ValidationException);
    const badInstance = await expectAwsError(c.sso.send(new ListPermissionSetsCommand({ InstanceArn: "arn:aws:sso:::instance/ssoins-0000000000000000" })));
    expect(badInstance.raw).toBeInstanceOf(ResourceNotFoundException);
  });

  it("enforces the permission-set quota per instance", async () => {
    sim.setFaults({ quotas: { permissionSetsPerInstance: 9 } });
    await c.sso.send(new CreatePermissionSetCommand({ InstanceArn: I, Name: "Ninth" }));
    const err = await expectAwsError(c.sso.send(new CreatePermissionSetCommand({ InstanceArn: I, Name: "Tenth" })));
    expect(err.raw).toBeInstanceOf(ServiceQuotaExceededException);
  });

  it("manages inline, AWS-managed and customer-managed policies", async () => {
    const arn = (await c.sso.send(new CreatePermissionSetCommand({ InstanceArn: I, Name: "Policies" }))).PermissionSet!.PermissionSetArn!;
    const policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:ListBucket", Resource: "*" }] });
    await c.sso.send(new PutInlinePolicyToPermissionSetCommand({ InstanceArn: I, PermissionSetArn: arn, InlinePolicy: policy }));
    expect((await c.sso.send(new GetInlinePolicyForPermissionSetCommand({ InstanceArn: I, PermissionSetArn: arn }))).InlinePolicy).toBe(policy);
    const notJson = await expectAwsError(c.sso.send(new PutInlinePolicyToPermissionSetCommand({ InstanceArn: I, PermissionSetArn: arn, InlinePolicy: "{not json" })));
    expect(notJson.raw).toBeInstanceOf(ValidationException);
    const tooLong = await expectAwsError(c.sso.send(new PutInlinePolicyToPermissionSetCommand({ InstanceArn: I, PermissionSetArn: arn, InlinePolicy: " ".repeat(32769) })));
    expect(tooLong.raw).toBeInstanceOf(ValidationException);
    await c.sso.send(new DeleteInlinePolicyFromPermissionSetCommand({ InstanceArn: I, PermissionSetArn: arn }));
    expect((await c.sso.send(new GetInlinePolicyForPermissionSetCommand({ InstanceArn: I, PermissionSetArn: arn }))).InlinePolicy).toBe("");

    const managed = "arn:aws:iam::aws:policy/ReadOnlyAccess";
    await c.sso.send(new AttachManagedPolicyToPermissionSetCommand({ InstanceArn: I, PermissionSetArn: arn, ManagedPolicyArn: managed }));
    const again = await expectAwsError(c.sso.send(new AttachManagedPolicyToPermissionSetCommand({ InstanceArn: I, PermissionSetArn: arn, ManagedPolicyArn: managed })));
    expect(again.raw).toBeInstanceOf(ConflictException);
    expect((await c.sso.send(new ListManagedPoliciesInPermissionSetCommand({ InstanceArn: I, PermissionSetArn: arn }))).AttachedManagedPolicies).toEqual([{ Arn: managed, Name: "ReadOnlyAccess" }]);
    await c.sso.send(new DetachManagedPolicyFromPermissionSetCommand({ InstanceArn: I, PermissionSetArn: arn, ManagedPolicyArn: managed }));
    expect((await c.sso.send(new ListManagedPoliciesInPermissionSetCommand({ InstanceArn: I, PermissionSetArn: arn }))).AttachedManagedPolicies).toEqual([]);

    const ref = { Name: "platform-app-access-0", Path: "/" };
    await c.sso.send(new AttachCustomerManagedPolicyReferenceToPermissionSetCommand({ InstanceArn: I, PermissionSetArn: arn, CustomerManagedPolicyReference: ref }));
    expect((await c.sso.send(new ListCustomerManagedPolicyReferencesInPermissionSetCommand({ InstanceArn: I, PermissionSetArn: arn }))).CustomerManagedPolicyReferences).toEqual([ref]);

    // the referenced policy exists in prod-workloads (team platform) but not in data-prod (team data)
    const okProv = await c.sso.send(new ProvisionPermissionSetCommand({ InstanceArn: I, PermissionSetArn: arn, TargetType: "AWS_ACCOUNT", TargetId: A.prodWorkloads }));
    const failProv = await c.sso.send(new ProvisionPermissionSetCommand({ InstanceArn: I, PermissionSetArn: arn, TargetType: "AWS_ACCOUNT", TargetId: A.dataProd }));
    const ok = await waitDone(async () => (await c.sso.send(new DescribePermissionSetProvisioningStatusCommand({ InstanceArn: I, ProvisionPermissionSetRequestId: okProv.PermissionSetProvisioningStatus!.RequestId! }))).PermissionSetProvisioningStatus);
    expect(ok.Status).toBe("SUCCEEDED");
    const failed = await waitDone(async () => (await c.sso.send(new DescribePermissionSetProvisioningStatusCommand({ InstanceArn: I, ProvisionPermissionSetRequestId: failProv.PermissionSetProvisioningStatus!.RequestId! }))).PermissionSetProvisioningStatus);
    expect(failed.Status).toBe("FAILED");
    expect(failed.FailureReason).toMatch(/does not exist or is not attachable/);

    await c.sso.send(new DetachCustomerManagedPolicyReferenceFromPermissionSetCommand({ InstanceArn: I, PermissionSetArn: arn, CustomerManagedPolicyReference: ref }));
    expect((await c.sso.send(new ListCustomerManagedPolicyReferencesInPermissionSetCommand({ InstanceArn: I, PermissionSetArn: arn }))).CustomerManagedPolicyReferences).toEqual([]);
  });
});

describe("sso-admin account assignments", () => {
  it("creates asynchronously, provisions the role, and removes it with the last assignment", async () => {
    const ps = await psByName("Billing");
    const riley = await userId(SAMPLE_ORG.users.riley);
    expect((await rolesIn(A.sandbox)).some((r) => r.RoleName?.startsWith("AWSReservedSSO_Billing_"))).toBe(false);

    const created = await c.sso.send(new CreateAccountAssignmentCommand(assignment(A.sandbox, ps, riley)));
    const status = created.AccountAssignmentCreationStatus!;
    expect(status.Status).toBe("IN_PROGRESS");
    expect(status.RequestId).toMatch(/^[0-9a-f-]{36}$/);
    // not visible until the async operation finishes
    const before = await c.sso.send(new ListAccountAssignmentsCommand({ InstanceArn: I, AccountId: A.sandbox, PermissionSetArn: ps }));
    expect(before.AccountAssignments).toEqual([]);

    const done = await waitDone(async () =>
      (await c.sso.send(new DescribeAccountAssignmentCreationStatusCommand({ InstanceArn: I, AccountAssignmentCreationRequestId: status.RequestId! }))).AccountAssignmentCreationStatus,
    );
    expect(done).toMatchObject({ Status: "SUCCEEDED", TargetId: A.sandbox, PrincipalId: riley, PermissionSetArn: ps });

    const roles = await rolesIn(A.sandbox);
    const role = roles.find((r) => r.RoleName?.startsWith("AWSReservedSSO_Billing_"));
    expect(role?.RoleName).toMatch(/^AWSReservedSSO_Billing_[0-9a-f]{16}$/);
    expect(role?.Path).toBe("/aws-reserved/sso.amazonaws.com/us-east-1/");
    expect((await c.sso.send(new ListPermissionSetsProvisionedToAccountCommand({ InstanceArn: I, AccountId: A.sandbox }))).PermissionSets).toContain(ps);
    expect((await c.sso.send(new ListAccountsForProvisionedPermissionSetCommand({ InstanceArn: I, PermissionSetArn: ps }))).AccountIds).toEqual([A.sandbox]);
    const forPrincipal = await c.sso.send(new ListAccountAssignmentsForPrincipalCommand({ InstanceArn: I, PrincipalId: riley, PrincipalType: "USER" }));
    expect(forPrincipal.AccountAssignments).toEqual([{ AccountId: A.sandbox, PermissionSetArn: ps, PrincipalType: "USER", PrincipalId: riley }]);

    // a second, identical create succeeds idempotently
    const dup = await c.sso.send(new CreateAccountAssignmentCommand(assignment(A.sandbox, ps, riley)));
    const dupDone = await waitDone(async () =>
      (await c.sso.send(new DescribeAccountAssignmentCreationStatusCommand({ InstanceArn: I, AccountAssignmentCreationRequestId: dup.AccountAssignmentCreationStatus!.RequestId! }))).AccountAssignmentCreationStatus,
    );
    expect(dupDone.Status).toBe("SUCCEEDED");
    expect((await c.sso.send(new ListAccountAssignmentsCommand({ InstanceArn: I, AccountId: A.sandbox, PermissionSetArn: ps }))).AccountAssignments).toHaveLength(1);

    const conflict = await expectAwsError(c.sso.send(new DeletePermissionSetCommand({ InstanceArn: I, PermissionSetArn: ps })));
    expect(conflict.raw).toBeInstanceOf(ConflictException);

    const del = await c.sso.send(new DeleteAccountAssignmentCommand(assignment(A.sandbox, ps, riley)));
    expect(del.AccountAssignmentDeletionStatus!.Status).toBe("IN_PROGRESS");
    const delDone = await waitDone(async () =>
      (await c.sso.send(new DescribeAccountAssignmentDeletionStatusCommand({ InstanceArn: I, AccountAssignmentDeletionRequestId: del.AccountAssignmentDeletionStatus!.RequestId! }))).AccountAssignmentDeletionStatus,
    );
    expect(delDone.Status).toBe("SUCCEEDED");
    expect((await rolesIn(A.sandbox)).some((r) => r.RoleName?.startsWith("AWSReservedSSO_Billing_"))).toBe(false);
    expect((await c.sso.send(new ListPermissionSetsProvisionedToAccountCommand({ InstanceArn: I, AccountId: A.sandbox }))).PermissionSets).not.toContain(ps);
    await c.sso.send(new DeletePermissionSetCommand({ InstanceArn: I, PermissionSetArn: ps }));
  });

  it("deleting an assignment that does not exist ends FAILED", async () => {
    const ps = await psByName("Billing");
    const sam = await userId(SAMPLE_ORG.users.sam);
    const del = await c.sso.send(new DeleteAccountAssignmentCommand(assignment(A.sandbox, ps, sam)));
    const done = await waitDone(async () =>
      (await c.sso.send(new DescribeAccountAssignmentDeletionStatusCommand({ InstanceArn: I, AccountAssignmentDeletionRequestId: del.AccountAssignmentDeletionStatus!.RequestId! }))).AccountAssignmentDeletionStatus,
    );
    expect(done).toMatchObject({ Status: "FAILED", FailureReason: "Received a 404 status error: Assignment not found." });
  });

  it("requires AccountId and PermissionSetArn for ListAccountAssignments and validates PrincipalId", async () => {
    const noPs = await expectAwsError(c.sso.send(new ListAccountAssignmentsCommand({ InstanceArn: I, AccountId: A.sandbox } as never)));
    expect(noPs.raw).toBeInstanceOf(ValidationException);
    expect(noPs.message).toMatch(/permissionSetArn/);
    const ps = await psByName("Billing");
    const badAccount = await expectAwsError(c.sso.send(new ListAccountAssignmentsCommand({ InstanceArn: I, AccountId: "1234", PermissionSetArn: ps })));
    expect(badAccount.raw).toBeInstanceOf(ValidationException);
    const badPrincipal = await expectAwsError(c.sso.send(new CreateAccountAssignmentCommand(assignment(A.sandbox, ps, "not-a-principal"))));
    expect(badPrincipal.raw).toBeInstanceOf(ValidationException);
    const unknownPrincipal = await expectAwsError(c.sso.send(new CreateAccountAssignmentCommand(assignment(A.sandbox, ps, "9067aa11bb-00000000-0000-4000-a000-000000000000"))));
    expect(unknownPrincipal.raw).toBeInstanceOf(ResourceNotFoundException);
  });

  it("lists the seeded standing assignment of Developers in dev-workloads", async () => {
    const ro = await psByName("ReadOnlyAccess");
    const dev = await c.ids.send(new GetGroupIdCommand({ IdentityStoreId: SAMPLE_ORG.identityStoreId, AlternateIdentifier: { UniqueAttribute: { AttributePath: "displayName", AttributeValue: "Developers" } } }));
    const out = await c.sso.send(new ListAccountAssignmentsCommand({ InstanceArn: I, AccountId: A.devWorkloads, PermissionSetArn: ro }));
    expect(out.AccountAssignments).toContainEqual({ AccountId: A.devWorkloads, PermissionSetArn: ro, PrincipalType: "GROUP", PrincipalId: dev.GroupId });
  });

  it("conflicts on a second permission set for the same account while one is in progress", async () => {
    sim.setFaults({ asyncDelayMs: 400 });
    const billing = await psByName("Billing");
    const viewOnly = await psByName("ViewOnlyAccess");
    const riley = await userId(SAMPLE_ORG.users.riley);
    const avery = await userId(SAMPLE_ORG.users.avery);
    await c.sso.send(new CreateAccountAssignmentCommand(assignment(A.sandbox, billing, riley)));
    // same permission set, other principal: queued on the same role, accepted
    await c.sso.send(new CreateAccountAssignmentCommand(assignment(A.sandbox, billing, avery)));
    const err = await expectAwsError(c.sso.send(new CreateAccountAssignmentCommand(assignment(A.sandbox, viewOnly, riley))));
    expect(err.raw).toBeInstanceOf(ConflictException);
    // another account is unaffected
    const other = await c.sso.send(new CreateAccountAssignmentCommand(assignment(A.devWorkloads, viewOnly, riley)));
    expect(other.AccountAssignmentCreationStatus!.Status).toBe("IN_PROGRESS");
    sim.settle();
    const retried = await c.sso.send(new CreateAccountAssignmentCommand(assignment(A.sandbox, viewOnly, riley)));
    expect(retried.AccountAssignmentCreationStatus!.Status).toBe("IN_PROGRESS");
  });

  it("allows at most 15 outstanding assignment operations (16th is throttled)", async () => {
    sim.setFaults({ asyncDelayMs: 5000 });
    const billing = await psByName("Billing");
    const users = sim.snapshot().users.slice(0, 16);
    const accounts = [A.sandbox, A.devWorkloads, A.prodWorkloads, A.dataProd, A.securityAudit, A.logArchive];
    const one = simClients(sim, { maxAttempts: 1 });
    for (let i = 0; i < 15; i++) {
      const u = users[i]!;
      const out = await one.sso.send(new CreateAccountAssignmentCommand(assignment(accounts[i % accounts.length]!, billing, u.userId)));
      expect(out.AccountAssignmentCreationStatus!.Status).toBe("IN_PROGRESS");
    }
    const err = await expectAwsError(one.sso.send(new CreateAccountAssignmentCommand(assignment(A.sandbox, billing, users[15]!.userId))));
    expect(err.raw).toBeInstanceOf(ThrottlingException);
    sim.settle();
    const ok = await one.sso.send(new CreateAccountAssignmentCommand(assignment(A.sandbox, billing, users[15]!.userId)));
    expect(ok.AccountAssignmentCreationStatus!.Status).toBe("IN_PROGRESS");
  });

  it("ends FAILED when the account is at its IAM role quota", async () => {
    const rolesNow = sim.snapshot().resources[A.sandbox] as { roles: unknown[] };
    sim.setFaults({ quotas: { rolesPerAccount: rolesNow.roles.length } });
    const billing = await psByName("Billing");
    const riley = await userId(SAMPLE_ORG.users.riley);
    const out = await c.sso.send(new CreateAccountAssignmentCommand(assignment(A.sandbox, billing, riley)));
    const done = await waitDone(async () =>
      (await c.sso.send(new DescribeAccountAssignmentCreationStatusCommand({ InstanceArn: I, AccountAssignmentCreationRequestId: out.AccountAssignmentCreationStatus!.RequestId! }))).AccountAssignmentCreationStatus,
    );
    expect(done.Status).toBe("FAILED");
    expect(done.FailureReason).toMatch(/Cannot exceed quota for RolesPerAccount/);
    expect((await c.sso.send(new ListAccountAssignmentsCommand({ InstanceArn: I, AccountId: A.sandbox, PermissionSetArn: billing }))).AccountAssignments).toEqual([]);
  });

  it("ends FAILED when the account has the maximum number of provisioned permission sets", async () => {
    const provisionedHere = sim.snapshot().provisioned.filter((p) => p.accountId === A.prodWorkloads).length;
    sim.setFaults({ quotas: { permissionSetsPerAccount: provisionedHere } });
    const billing = await psByName("Billing");
    const out = await c.sso.send(new ProvisionPermissionSetCommand({ InstanceArn: I, PermissionSetArn: billing, TargetType: "AWS_ACCOUNT", TargetId: A.prodWorkloads }));
    const done = await waitDone(async () => (await c.sso.send(new DescribePermissionSetProvisioningStatusCommand({ InstanceArn: I, ProvisionPermissionSetRequestId: out.PermissionSetProvisioningStatus!.RequestId! }))).PermissionSetProvisioningStatus);
    expect(done.Status).toBe("FAILED");
    expect(done.FailureReason).toMatch(/PermissionSetsProvisionedPerAccount/);
    // re-provisioning an already provisioned set is not a new slot
    const ro = await psByName("ReadOnlyAccess");
    const again = await c.sso.send(new ProvisionPermissionSetCommand({ InstanceArn: I, PermissionSetArn: ro, TargetType: "AWS_ACCOUNT", TargetId: A.prodWorkloads }));
    const ok = await waitDone(async () => (await c.sso.send(new DescribePermissionSetProvisioningStatusCommand({ InstanceArn: I, ProvisionPermissionSetRequestId: again.PermissionSetProvisioningStatus!.RequestId! }))).PermissionSetProvisioningStatus);
    expect(ok.Status).toBe("SUCCEEDED");
  });

  it("injects async failures", async () => {
    sim.setFaults({ faults: { "sso-admin.CreateAccountAssignment": { asyncFailureRate: 1, asyncFailureReason: "An unexpected internal service exception was encountered" } } });
    const billing = await psByName("Billing");
    const riley = await userId(SAMPLE_ORG.users.riley);
    const out = await c.sso.send(new CreateAccountAssignmentCommand(assignment(A.sandbox, billing, riley)));
    expect(out.AccountAssignmentCreationStatus!.Status).toBe("IN_PROGRESS");
    const done = await waitDone(async () =>
      (await c.sso.send(new DescribeAccountAssignmentCreationStatusCommand({ InstanceArn: I, AccountAssignmentCreationRequestId: out.AccountAssignmentCreationStatus!.RequestId! }))).AccountAssignmentCreationStatus,
    );
    expect(done).toMatchObject({ Status: "FAILED", FailureReason: "An unexpected internal service exception was encountered" });
  });

  it("re-provisioning applies a changed policy and tracks LATEST_PERMISSION_SET_NOT_PROVISIONED", async () => {
    const ro = await psByName("ReadOnlyAccess");
    await c.sso.send(new AttachManagedPolicyToPermissionSetCommand({ InstanceArn: I, PermissionSetArn: ro, ManagedPolicyArn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" }));
    const stale = await c.sso.send(new ListAccountsForProvisionedPermissionSetCommand({ InstanceArn: I, PermissionSetArn: ro, ProvisioningStatus: "LATEST_PERMISSION_SET_NOT_PROVISIONED" }));
    expect(stale.AccountIds?.sort()).toEqual([A.devWorkloads, A.logArchive, A.prodWorkloads].sort());
    const prov = await c.sso.send(new ProvisionPermissionSetCommand({ InstanceArn: I, PermissionSetArn: ro, TargetType: "ALL_PROVISIONED_ACCOUNTS" }));
    expect(prov.PermissionSetProvisioningStatus!.Status).toBe("IN_PROGRESS");
    const done = await waitDone(async () => (await c.sso.send(new DescribePermissionSetProvisioningStatusCommand({ InstanceArn: I, ProvisionPermissionSetRequestId: prov.PermissionSetProvisioningStatus!.RequestId! }))).PermissionSetProvisioningStatus);
    expect(done.Status).toBe("SUCCEEDED");
    const after = await c.sso.send(new ListAccountsForProvisionedPermissionSetCommand({ InstanceArn: I, PermissionSetArn: ro, ProvisioningStatus: "LATEST_PERMISSION_SET_NOT_PROVISIONED" }));
    expect(after.AccountIds).toEqual([]);
  });
});

describe("sso-admin as Identity Center's delegated administrator", () => {
  it("answers a registered member account, but denies it the management account and permission sets provisioned there", async () => {
    const riley = await userId(SAMPLE_ORG.users.riley);
    const admin = await psByName("AdministratorAccess"); // provisioned to the management account by the seed
    const billing = await psByName("Billing"); // provisioned nowhere yet
    const unregistered = simClients(sim, { credentials: await assumePortalRole(sim, A.devWorkloads) });
    expect((await expectAwsError(unregistered.sso.send(new ListInstancesCommand({})))).name).toBe("AccessDeniedException");

    await c.org.send(new RegisterDelegatedAdministratorCommand({ AccountId: A.sandbox, ServicePrincipal: "sso.amazonaws.com" }));
    expect((await c.org.send(new ListDelegatedAdministratorsCommand({ ServicePrincipal: "sso.amazonaws.com" }))).DelegatedAdministrators?.map((a) => a.Id)).toEqual([A.sandbox]);
    const delegated = simClients(sim, { credentials: await assumePortalRole(sim, A.sandbox) });
    expect((await delegated.sso.send(new ListInstancesCommand({}))).Instances).toHaveLength(1);
    expect((await delegated.org.send(new ListAccountsCommand({}))).Accounts?.length).toBeGreaterThan(0);
    expect((await expectAwsError(delegated.org.send(new RegisterDelegatedAdministratorCommand({ AccountId: A.dataProd, ServicePrincipal: "sso.amazonaws.com" })))).name).toBe("AccessDeniedException");

    const denied = async (p: Promise<unknown>) => expect((await expectAwsError(p)).name).toBe("AccessDeniedException");
    await denied(delegated.sso.send(new CreateAccountAssignmentCommand(assignment(A.management, billing, riley))));
    await denied(delegated.sso.send(new CreateAccountAssignmentCommand(assignment(A.devWorkloads, admin, riley))));
    await denied(delegated.sso.send(new PutInlinePolicyToPermissionSetCommand({ InstanceArn: I, PermissionSetArn: admin, InlinePolicy: '{"Version":"2012-10-17","Statement":[]}' })));
    const created = await delegated.sso.send(new CreateAccountAssignmentCommand(assignment(A.devWorkloads, billing, riley)));
    const done = await waitDone(async () =>
      (await delegated.sso.send(new DescribeAccountAssignmentCreationStatusCommand({ InstanceArn: I, AccountAssignmentCreationRequestId: created.AccountAssignmentCreationStatus!.RequestId! })))
        .AccountAssignmentCreationStatus,
    );
    expect(done.Status).toBe("SUCCEEDED");
    // The management account itself is not limited.
    const own = await c.sso.send(new CreateAccountAssignmentCommand(assignment(A.devWorkloads, admin, riley)));
    expect(own.AccountAssignmentCreationStatus?.Status).toBe("IN_PROGRESS");
  });
});
