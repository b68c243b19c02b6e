import {
  AttachCustomerManagedPolicyReferenceToPermissionSetCommand,
  CreateAccountAssignmentCommand,
  CreatePermissionSetCommand,
  DeleteAccountAssignmentCommand,
  DeletePermissionSetCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  DescribePermissionSetCommand,
  ListAccountAssignmentsCommand,
  ListAccountAssignmentsForPrincipalCommand,
  ListAccountsForProvisionedPermissionSetCommand,
  ListPermissionSetsCommand,
  ListTagsForResourceCommand,
  PutInlinePolicyToPermissionSetCommand,
  TagResourceCommand,
  type SSOAdminClient,
} from "@aws-sdk/client-sso-admin";
import { awsErrorInfo } from "./aws-errors.ts";
import { withAwsRateLimit } from "./aws-rate-limit.ts";

/**
 * Typed sso-admin operations the provisioning worker and the reconciler use. Every call goes
 * through the shared sso-admin rate limit. They return plain domain values; AWS errors are
 * rethrown unchanged except where a result is unambiguous (e.g. "already gone" on delete), so the
 * caller classifies them with awsErrorInfo. No authorization is checked here: callers are the
 * worker acting on grants the portal already approved, or an admin-triggered reconcile.
 */
export type TIdentityCenter = { sso: SSOAdminClient; instanceArn: string };

export type TAssignmentRef = { accountId: string; permissionSetArn: string; principalType: "USER" | "GROUP"; principalId: string };

export type TAsyncStatus = { status: "IN_PROGRESS" | "SUCCEEDED" | "FAILED"; requestId: string; failureReason: string | null };

export type TPermissionSetInfo = { arn: string; name: string; sessionDuration: string | null; description: string | null };

function sso<T>(fn: () => Promise<T>): Promise<T> {
  return withAwsRateLimit("sso-admin", fn);
}

function toStatus(s: { Status?: string; RequestId?: string; FailureReason?: string } | undefined): TAsyncStatus {
  const status = s?.Status === "SUCCEEDED" || s?.Status === "FAILED" ? s.Status : "IN_PROGRESS";
  return { status, requestId: s?.RequestId ?? "", failureReason: s?.FailureReason ?? null };
}

export async function createPermissionSet(
  ic: TIdentityCenter,
  input: { name: string; description: string; sessionDuration: string; tags: Record<string, string> },
): Promise<TPermissionSetInfo> {
  const out = await sso(() =>
    ic.sso.send(
      new CreatePermissionSetCommand({
        InstanceArn: ic.instanceArn,
        Name: input.name,
        Description: input.description,
        SessionDuration: input.sessionDuration,
        Tags: Object.entries(input.tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    ),
  );
  const ps = out.PermissionSet;
  if (!ps?.PermissionSetArn) throw new Error("CreatePermissionSet returned no PermissionSetArn");
  return { arn: ps.PermissionSetArn, name: ps.Name ?? input.name, sessionDuration: ps.SessionDuration ?? null, description: ps.Description ?? null };
}

/** The permission set, or null when it does not exist. */
export async function describePermissionSet(ic: TIdentityCenter, arn: string): Promise<TPermissionSetInfo | null> {
  try {
    const out = await sso(() => ic.sso.send(new DescribePermissionSetCommand({ InstanceArn: ic.instanceArn, PermissionSetArn: arn })));
    const ps = out.PermissionSet;
    return { arn, name: ps?.Name ?? "", sessionDuration: ps?.SessionDuration ?? null, description: ps?.Description ?? null };
  } catch (e) {
    if (awsErrorInfo(e).notFound) return null;
    throw e;
  }
}

export async function listPermissionSetArns(ic: TIdentityCenter): Promise<string[]> {
  const arns: string[] = [];
  let token: string | undefined;
  do {
    const out = await sso(() => ic.sso.send(new ListPermissionSetsCommand({ InstanceArn: ic.instanceArn, MaxResults: 100, NextToken: token })));
    arns.push(...(out.PermissionSets ?? []));
    token = out.NextToken;
  } while (token);
  return arns;
}

export async function listPermissionSetTags(ic: TIdentityCenter, arn: string): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  let token: string | undefined;
  do {
    const out = await sso(() => ic.sso.send(new ListTagsForResourceCommand({ InstanceArn: ic.instanceArn, ResourceArn: arn, NextToken: token })));
    for (const t of out.Tags ?? []) if (t.Key) tags[t.Key] = t.Value ?? "";
    token = out.NextToken;
  } while (token);
  return tags;
}

export async function tagPermissionSet(ic: TIdentityCenter, arn: string, tags: Record<string, string>): Promise<void> {
  await sso(() =>
    ic.sso.send(new TagResourceCommand({ InstanceArn: ic.instanceArn, ResourceArn: arn, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) })),
  );
}

/** Where a name scan stands: the ListPermissionSets page (its NextToken; null = the first page) and the index in it. */
export type TPermissionSetScanPosition = { token: string | null; index: number };

export type TPermissionSetScanOutcome =
  | { kind: "found"; ps: TPermissionSetInfo }
  | { kind: "absent" }
  | { kind: "paused"; at: TPermissionSetScanPosition };

/**
 * Looks for a permission set by its exact name from `from` on (a full scan, one describe per set: used only to
 * recover after a crash). Every `every` describes it asks `checkpoint` whether to go on (the caller renews its
 * lease there, or declines at its deadline): declined, it returns where it stands, and a later call resumes
 * there. A saved NextToken AWS no longer accepts starts the scan over.
 */
export async function scanPermissionSetsForName(
  ic: TIdentityCenter,
  name: string,
  from: TPermissionSetScanPosition,
  checkpoint: (at: TPermissionSetScanPosition) => Promise<boolean>,
  every = 25,
): Promise<TPermissionSetScanOutcome> {
  let token = from.token;
  let index = from.index;
  let described = 0;
  for (;;) {
    let out;
    try {
      out = await sso(() => ic.sso.send(new ListPermissionSetsCommand({ InstanceArn: ic.instanceArn, MaxResults: 100, NextToken: token ?? undefined })));
    } catch (e) {
      if (token === null || awsErrorInfo(e).name !== "ValidationException") throw e;
      token = null;
      index = 0;
      continue;
    }
    const arns = out.PermissionSets ?? [];
    for (; index < arns.length; index += 1) {
      if (described > 0 && described % every === 0 && !(await checkpoint({ token, index }))) return { kind: "paused", at: { token, index } };
      described += 1;
      const ps = await describePermissionSet(ic, arns[index]!);
      if (ps?.name === name) return { kind: "found", ps };
    }
    if (!out.NextToken) return { kind: "absent" };
    token = out.NextToken;
    index = 0;
  }
}

/** Replaces the set's single inline policy (idempotent). */
export async function putInlinePolicy(ic: TIdentityCenter, arn: string, policy: string): Promise<void> {
  await sso(() => ic.sso.send(new PutInlinePolicyToPermissionSetCommand({ InstanceArn: ic.instanceArn, PermissionSetArn: arn, InlinePolicy: policy })));
}

/** Attaches a customer-managed policy reference; "already attached" counts as done. */
export async function attachCustomerManagedPolicyReference(ic: TIdentityCenter, arn: string, ref: { name: string; path: string }): Promise<void> {
  try {
    await sso(() =>
      ic.sso.send(
        new AttachCustomerManagedPolicyReferenceToPermissionSetCommand({
          InstanceArn: ic.instanceArn,
          PermissionSetArn: arn,
          CustomerManagedPolicyReference: { Name: ref.name, Path: ref.path },
        }),
      ),
    );
  } catch (e) {
    const info = awsErrorInfo(e);
    if (info.conflict && /already/i.test(info.message)) return;
    throw e;
  }
}

/** Deletes a permission set; one that no longer exists counts as deleted. Conflict while it still has assignments. */
export async function deletePermissionSet(ic: TIdentityCenter, arn: string): Promise<"deleted" | "absent"> {
  try {
    await sso(() => ic.sso.send(new DeletePermissionSetCommand({ InstanceArn: ic.instanceArn, PermissionSetArn: arn })));
    return "deleted";
  } catch (e) {
    if (awsErrorInfo(e).notFound) return "absent";
    throw e;
  }
}

function assignmentInput(ic: TIdentityCenter, a: TAssignmentRef) {
  return {
    InstanceArn: ic.instanceArn,
    TargetId: a.accountId,
    TargetType: "AWS_ACCOUNT" as const,
    PermissionSetArn: a.permissionSetArn,
    PrincipalType: a.principalType,
    PrincipalId: a.principalId,
  };
}

/** Starts an asynchronous assignment creation (re-creating an existing one is accepted by AWS). */
export async function createAccountAssignment(ic: TIdentityCenter, a: TAssignmentRef): Promise<TAsyncStatus> {
  const out = await sso(() => ic.sso.send(new CreateAccountAssignmentCommand(assignmentInput(ic, a))));
  return toStatus(out.AccountAssignmentCreationStatus);
}

export async function describeAssignmentCreation(ic: TIdentityCenter, requestId: string): Promise<TAsyncStatus> {
  const out = await sso(() =>
    ic.sso.send(new DescribeAccountAssignmentCreationStatusCommand({ InstanceArn: ic.instanceArn, AccountAssignmentCreationRequestId: requestId })),
  );
  return toStatus(out.AccountAssignmentCreationStatus);
}

/** Starts an asynchronous assignment deletion. A missing assignment ends FAILED with a 404 reason (see isAssignmentNotFound). */
export async function deleteAccountAssignment(ic: TIdentityCenter, a: TAssignmentRef): Promise<TAsyncStatus> {
  const out = await sso(() => ic.sso.send(new DeleteAccountAssignmentCommand(assignmentInput(ic, a))));
  return toStatus(out.AccountAssignmentDeletionStatus);
}

export async function describeAssignmentDeletion(ic: TIdentityCenter, requestId: string): Promise<TAsyncStatus> {
  const out = await sso(() =>
    ic.sso.send(new DescribeAccountAssignmentDeletionStatusCommand({ InstanceArn: ic.instanceArn, AccountAssignmentDeletionRequestId: requestId })),
  );
  return toStatus(out.AccountAssignmentDeletionStatus);
}

/** A deletion that FAILED because there was nothing to delete: the goal state holds. */
export function isAssignmentNotFound(failureReason: string | null): boolean {
  return !!failureReason && /404|not found/i.test(failureReason);
}

/** An async failure caused by a quota (account's IAM role quota, permission sets per account): wait, don't fail. */
export function isQuotaFailure(failureReason: string | null): boolean {
  return !!failureReason && /quota|RolesPerAccount|limit exceeded/i.test(failureReason);
}

/**
 * A quota on the size of one permission set rather than on capacity: its inline policy (10,240 non-whitespace
 * characters), the managed and customer-managed policies attached to it (20), its tags (75). Waiting cannot
 * clear it: the same request hits it again, however long the portal retries.
 */
export function isSizeLimitQuota(message: string | null): boolean {
  return !!message && /inline ?policy|managed polic(y|ies)|policies attached|number of tags|tags on the resource/i.test(message);
}

/** The principal's assignments, optionally in one account. */
export async function listAssignmentsForPrincipal(
  ic: TIdentityCenter,
  principal: { principalType: "USER" | "GROUP"; principalId: string },
  accountId?: string,
): Promise<TAssignmentRef[]> {
  const out: TAssignmentRef[] = [];
  let token: string | undefined;
  do {
    const page = await sso(() =>
      ic.sso.send(
        new ListAccountAssignmentsForPrincipalCommand({
          InstanceArn: ic.instanceArn,
          PrincipalId: principal.principalId,
          PrincipalType: principal.principalType,
          ...(accountId ? { Filter: { AccountId: accountId } } : {}),
          MaxResults: 100,
          NextToken: token,
        }),
      ),
    );
    for (const a of page.AccountAssignments ?? []) {
      if (a.AccountId && a.PermissionSetArn && a.PrincipalId && (a.PrincipalType === "USER" || a.PrincipalType === "GROUP")) {
        out.push({ accountId: a.AccountId, permissionSetArn: a.PermissionSetArn, principalType: a.PrincipalType, principalId: a.PrincipalId });
      }
    }
    token = page.NextToken;
  } while (token);
  return out;
}

/** Whether this exact user assignment exists (settled) in AWS. */
export async function hasUserAssignment(ic: TIdentityCenter, a: { accountId: string; permissionSetArn: string; principalId: string }): Promise<boolean> {
  const list = await listAssignmentsForPrincipal(ic, { principalType: "USER", principalId: a.principalId }, a.accountId);
  return list.some((x) => x.permissionSetArn === a.permissionSetArn && x.accountId === a.accountId);
}

/** Every assignment of a permission set in one account. */
export async function listAccountAssignments(ic: TIdentityCenter, accountId: string, permissionSetArn: string): Promise<TAssignmentRef[]> {
  const out: TAssignmentRef[] = [];
  let token: string | undefined;
  do {
    const page = await sso(() =>
      ic.sso.send(new ListAccountAssignmentsCommand({ InstanceArn: ic.instanceArn, AccountId: accountId, PermissionSetArn: permissionSetArn, MaxResults: 100, NextToken: token })),
    );
    for (const a of page.AccountAssignments ?? []) {
      if (a.PrincipalId && (a.PrincipalType === "USER" || a.PrincipalType === "GROUP")) {
        out.push({ accountId, permissionSetArn, principalType: a.PrincipalType, principalId: a.PrincipalId });
      }
    }
    token = page.NextToken;
  } while (token);
  return out;
}

/** Accounts a permission set is provisioned to (has a role in). */
export async function listAccountsForPermissionSet(ic: TIdentityCenter, permissionSetArn: string): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  do {
    const page = await sso(() =>
      ic.sso.send(new ListAccountsForProvisionedPermissionSetCommand({ InstanceArn: ic.instanceArn, PermissionSetArn: permissionSetArn, MaxResults: 100, NextToken: token })),
    );
    out.push(...(page.AccountIds ?? []));
    token = page.NextToken;
  } while (token);
  return out;
}
