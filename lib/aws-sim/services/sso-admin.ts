import { SimError } from "../errors";
import { awsManagedPolicyByArn } from "../managed-policies";
import { arnPartition } from "../partition";
import type { CallContext, SimRuntime } from "../runtime";
import {
  addPermissionSet,
  applyProvisioning,
  assignmentKey,
  isoDurationSeconds,
  provisionKey,
  removeProvisioning,
} from "../state";
import type { PrincipalType, SimAsyncOp, SimPermissionSet, SimState, Tag } from "../types";
import { epochSeconds, newUuid, paginate } from "../util";
import { ACCOUNT_ID_RE, TAG_KEY_RE, validators } from "../validate";

type Input = Record<string, unknown>;
const v = validators("ValidationException");

const INSTANCE_RE = /^arn:(aws|aws-us-gov|aws-cn|aws-iso|aws-iso-b):sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}$/;
const PS_ARN_RE = /^arn:(aws|aws-us-gov|aws-cn|aws-iso|aws-iso-b):sso:::permissionSet\/(sso)?ins-[a-zA-Z0-9-.]{16}\/ps-[a-zA-Z0-9-./]{16}$/;
const NAME_RE = /^[\w+=,.@-]+$/;
const DESCRIPTION_RE = /^[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*$/;
const PRINCIPAL_RE = /^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/;
const REQUEST_ID_RE = /^\b[0-9a-f]{8}\b-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-\b[0-9a-f]{12}\b$/;
const MANAGED_ARN_RE = /^arn:(aws|aws-us-gov|aws-cn|aws-iso|aws-iso-b):iam::aws:policy\/[\p{L}\p{M}\p{Z}\p{S}\p{N}\p{P}]+$/u;
const CMP_NAME_RE = /^[\w+=,.@-]+$/;
const CMP_PATH_RE = /^((\/[A-Za-z0-9.,+@=_-]+)*)\/$/;

const notFound = (message: string) => new SimError("ResourceNotFoundException", message);

/**
 * The patterns accept every partition, as AWS's models do; an ARN of a partition other than the instance's is
 * refused as invalid input rather than looked up.
 */
function samePartition(st: SimState, arn: string, field: string): string {
  const partition = arnPartition(arn);
  if (partition !== st.partition) throw new SimError("ValidationException", `Invalid ${field}: partition ${partition} does not match the partition ${st.partition} of this Identity Center instance.`);
  return arn;
}
const conflict = (message: string) => new SimError("ConflictException", message);

/**
 * Settles async operations whose delay has passed. Called before every request so effects
 * (roles, assignments) appear at the right moment without timers.
 */
export function settleAsyncOps(rt: SimRuntime, now: number): void {
  const st = rt.state;
  if (st.pendingOps.length === 0) return;
  let done = 0;
  for (const id of st.pendingOps) {
    const op = st.asyncOps.get(id);
    if (!op) {
      done++;
      continue;
    }
    if (op.completeAt > now) break;
    completeOp(rt, op, now);
    done++;
  }
  if (done > 0) st.pendingOps.splice(0, done);
}

/** Completes every outstanding operation now (control API / tests). */
export function settleAll(rt: SimRuntime): void {
  for (const id of rt.state.pendingOps) {
    const op = rt.state.asyncOps.get(id);
    if (op && op.status === "IN_PROGRESS") completeOp(rt, op, Math.max(Date.now(), op.completeAt));
  }
  rt.state.pendingOps = [];
}

function completeOp(rt: SimRuntime, op: SimAsyncOp, now: number): void {
  const st = rt.state;
  const fail = (reason: string) => {
    op.status = "FAILED";
    op.failureReason = reason;
  };
  if (op.injectedFailure) return fail(op.injectedFailure);
  const ps = st.permissionSets.get(op.permissionSetArn);
  const limits = { rolesPerAccount: rt.config.quotas.rolesPerAccount, permissionSetsPerAccount: rt.config.quotas.permissionSetsPerAccount };
  if (op.kind === "create") {
    if (!ps) return fail("Received a 404 status error: Permission set not found.");
    if (!st.accounts.has(op.accountId)) return fail("Received a 404 status error: Account not found.");
    const key = assignmentKey(op.accountId, ps.arn, op.principalType!, op.principalId!);
    if (!st.provisioned.has(provisionKey(op.accountId, ps.arn))) {
      const reason = applyProvisioning(st, op.accountId, ps, limits, now);
      if (reason) return fail(reason);
    }
    st.assignments.set(key, {
      accountId: op.accountId,
      permissionSetArn: ps.arn,
      principalType: op.principalType!,
      principalId: op.principalId!,
    });
    op.status = "SUCCEEDED";
  } else if (op.kind === "delete") {
    const key = assignmentKey(op.accountId, op.permissionSetArn, op.principalType!, op.principalId!);
    if (!st.assignments.delete(key)) return fail("Received a 404 status error: Assignment not found.");
    let remaining = false;
    for (const a of st.assignments.values()) {
      if (a.accountId === op.accountId && a.permissionSetArn === op.permissionSetArn) {
        remaining = true;
        break;
      }
    }
    if (!remaining) removeProvisioning(st, op.accountId, op.permissionSetArn);
    op.status = "SUCCEEDED";
  } else {
    if (!ps) return fail("Received a 404 status error: Permission set not found.");
    const targets = op.accountId
      ? [op.accountId]
      : [...st.provisioned.values()].filter((p) => p.permissionSetArn === ps.arn).map((p) => p.accountId);
    for (const accountId of targets) {
      const reason = applyProvisioning(st, accountId, ps, limits, now);
      if (reason) return fail(reason);
    }
    op.status = "SUCCEEDED";
  }
}

function checkInstance(st: SimState, input: Input): void {
  const arn = v.pattern(v.required(input, "InstanceArn"), INSTANCE_RE, "instanceArn", "arn:(aws|aws-us-gov|aws-cn|aws-iso|aws-iso-b):sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}");
  samePartition(st, arn, "instanceArn");
  if (arn !== st.instanceArn) throw notFound(`Instance ${arn} does not exist.`);
}

function getPs(st: SimState, input: Input, key = "PermissionSetArn"): SimPermissionSet {
  const arn = v.pattern(v.required(input, key), PS_ARN_RE, "permissionSetArn", "arn:(aws|aws-us-gov|aws-cn|aws-iso|aws-iso-b):sso:::permissionSet/(sso)?ins-[a-zA-Z0-9-.]{16}/ps-[a-zA-Z0-9-./]{16}");
  samePartition(st, arn, "permissionSetArn");
  const ps = st.permissionSets.get(arn);
  if (!ps) throw notFound(`Could not find PermissionSet with PermissionSetArn ${arn}.`);
  return ps;
}

function maxResults(input: Input, dflt = 100): number {
  return v.int(input, "MaxResults", 1, 100, dflt);
}

function tokenArg(input: Input): string | undefined {
  const t = input.NextToken;
  if (t === undefined || t === null) return undefined;
  if (typeof t !== "string" || t.length > 2048 || !/^[-a-zA-Z0-9+=/_]*$/.test(t)) throw v.fail("nextToken", t, "Member must satisfy regular expression pattern: [-a-zA-Z0-9+=/_]*");
  return t;
}

const badToken = () => new SimError("ValidationException", "The NextToken provided is invalid.");

function page<T>(items: T[], key: string, input: Input) {
  return paginate(items, key, tokenArg(input), maxResults(input), badToken);
}

function validateTags(tags: unknown, field = "tags"): Tag[] {
  if (tags === undefined || tags === null) return [];
  if (!Array.isArray(tags)) throw v.fail(field, tags, "Member must be a list");
  if (tags.length > 75) throw v.fail(field, "[...]", "Member must have length less than or equal to 75");
  return tags.map((t: Input, i) => {
    const key = v.required(t ?? {}, "Key", `${field}.${i + 1}.member.key`);
    v.length(key, 1, 128, `${field}.${i + 1}.member.key`);
    v.pattern(key, TAG_KEY_RE, `${field}.${i + 1}.member.key`, "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
    const value = v.required(t ?? {}, "Value", `${field}.${i + 1}.member.value`);
    v.length(value, 0, 256, `${field}.${i + 1}.member.value`);
    v.pattern(value, TAG_KEY_RE, `${field}.${i + 1}.member.value`, "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
    return { Key: key, Value: value };
  });
}

function validateDescription(d: unknown): string | undefined {
  if (d === undefined || d === null) return undefined;
  if (typeof d !== "string") throw v.fail("description", d, "Member must be a string");
  v.length(d, 1, 700, "description");
  return v.pattern(d, DESCRIPTION_RE, "description", "[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*");
}

function validateSession(d: unknown): string | undefined {
  if (d === undefined || d === null) return undefined;
  if (typeof d !== "string") throw v.fail("sessionDuration", d, "Member must be a string");
  v.length(d, 1, 100, "sessionDuration");
  const seconds = isoDurationSeconds(d);
  if (seconds === undefined) throw new SimError("ValidationException", `Invalid SessionDuration format: ${d}. The value must be an ISO-8601 duration.`);
  if (seconds < 3600 || seconds > 43200) throw new SimError("ValidationException", "The session duration must be between 1 and 12 hours (PT1H to PT12H).");
  return d;
}

function validateRelay(r: unknown): string | undefined {
  if (r === undefined || r === null) return undefined;
  if (typeof r !== "string") throw v.fail("relayState", r, "Member must be a string");
  v.length(r, 1, 240, "relayState");
  return v.pattern(r, /^[a-zA-Z0-9&$@#\\/%?=~\-_'"|!:,.;*+[\]() ]+$/, "relayState");
}

const psOut = (ps: SimPermissionSet) => ({
  Name: ps.name,
  PermissionSetArn: ps.arn,
  Description: ps.description,
  CreatedDate: epochSeconds(ps.createdAt),
  SessionDuration: ps.sessionDuration,
  RelayState: ps.relayState,
});

const assignmentStatusOut = (op: SimAsyncOp) => ({
  Status: op.status,
  RequestId: op.requestId,
  FailureReason: op.failureReason,
  TargetId: op.accountId,
  TargetType: "AWS_ACCOUNT",
  PermissionSetArn: op.permissionSetArn,
  PrincipalType: op.principalType,
  PrincipalId: op.principalId,
  CreatedDate: epochSeconds(op.createdAt),
});

const provisioningStatusOut = (op: SimAsyncOp) => ({
  Status: op.status,
  RequestId: op.requestId,
  AccountId: op.accountId || undefined,
  PermissionSetArn: op.permissionSetArn,
  FailureReason: op.failureReason,
  CreatedDate: epochSeconds(op.createdAt),
});

function bump(ps: SimPermissionSet): void {
  ps.version += 1;
}

/**
 * One permission-set role update per account at a time: AWS answers ConflictException when a write
 * for another permission set in the same account has not propagated. Ops on the same permission set
 * are queued behind each other instead, as they touch the same role.
 */
function checkAccountConflict(st: SimState, accountIds: string[], psArn: string): void {
  if (st.pendingOps.length === 0) return;
  const targets = new Set(accountIds);
  for (const id of st.pendingOps) {
    const op = st.asyncOps.get(id);
    if (!op || op.status !== "IN_PROGRESS") continue;
    const touches = op.accountId ? targets.has(op.accountId) : false;
    if (touches && op.permissionSetArn !== psArn) {
      throw conflict(
        `An operation for another permission set is in progress on account ${op.accountId}. Only one permission set can be updated per account at a time; retry when request ${op.requestId} completes.`,
      );
    }
  }
}

function enqueue(rt: SimRuntime, ctx: CallContext, op: Omit<SimAsyncOp, "status" | "createdAt" | "completeAt" | "requestId">): SimAsyncOp {
  const st = rt.state;
  const full: SimAsyncOp = {
    ...op,
    requestId: newUuid(),
    status: "IN_PROGRESS",
    createdAt: ctx.now,
    completeAt: ctx.now + rt.config.asyncDelayMs,
    injectedFailure: rt.asyncFailure(ctx.service, ctx.operation),
  };
  st.asyncOps.set(full.requestId, full);
  // keep pendingOps sorted by completion time; the delay can change at run time
  let i = st.pendingOps.length;
  while (i > 0) {
    const prev = st.asyncOps.get(st.pendingOps[i - 1]!);
    if (!prev || prev.completeAt <= full.completeAt) break;
    i--;
  }
  st.pendingOps.splice(i, 0, full.requestId);
  return full;
}

function outstandingAssignmentOps(st: SimState): number {
  let n = 0;
  for (const id of st.pendingOps) {
    const op = st.asyncOps.get(id);
    if (op && op.status === "IN_PROGRESS" && op.kind !== "provision") n++;
  }
  return n;
}

function assignmentArgs(st: SimState, input: Input) {
  checkInstance(st, input);
  const accountId = v.pattern(v.required(input, "TargetId"), ACCOUNT_ID_RE, "targetId", "\\d{12}");
  v.oneOf(v.required(input, "TargetType"), ["AWS_ACCOUNT"] as const, "targetType");
  const ps = getPs(st, input);
  const principalType = v.oneOf(v.required(input, "PrincipalType"), ["USER", "GROUP"] as const, "principalType") as PrincipalType;
  const principalId = v.pattern(v.length(v.required(input, "PrincipalId"), 1, 47, "principalId"), PRINCIPAL_RE, "principalId", "^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$");
  return { accountId, ps, principalType, principalId };
}

function requestIdArg(input: Input, key: string, field: string): string {
  return v.pattern(v.required(input, key), REQUEST_ID_RE, field, "\\b[0-9a-f]{8}\\b-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-\\b[0-9a-f]{12}\\b");
}

function listOps(st: SimState, input: Input, kind: SimAsyncOp["kind"], key: string) {
  checkInstance(st, input);
  const filter = (input.Filter as Input | undefined)?.Status as string | undefined;
  const ops = [...st.asyncOps.values()].filter((o) => o.kind === kind && (!filter || o.status === filter));
  return page(ops.map((o) => ({ Status: o.status, RequestId: o.requestId, CreatedDate: epochSeconds(o.createdAt) })), key, input);
}

/** Changes a delegated administrator may not make to the management account or to a permission set provisioned there. */
const DELEGATED_ADMIN_LIMITED = new Set([
  "UpdatePermissionSet",
  "DeletePermissionSet",
  "PutInlinePolicyToPermissionSet",
  "DeleteInlinePolicyFromPermissionSet",
  "AttachManagedPolicyToPermissionSet",
  "DetachManagedPolicyFromPermissionSet",
  "AttachCustomerManagedPolicyReferenceToPermissionSet",
  "DetachCustomerManagedPolicyReferenceFromPermissionSet",
  "ProvisionPermissionSet",
  "CreateAccountAssignment",
  "DeleteAccountAssignment",
]);

/**
 * AWS-FACTS: a delegated-admin caller is denied on the management account, and cannot manage a permission
 * set provisioned there, not even to assign it in a member account.
 */
function denyDelegatedAdmin(st: SimState, ctx: CallContext, input: Input): void {
  if (ctx.caller.accountId === st.managementAccountId || !DELEGATED_ADMIN_LIMITED.has(ctx.operation)) return;
  const inManagement = input.TargetId === st.managementAccountId;
  const setInManagement = typeof input.PermissionSetArn === "string" && st.provisioned.has(provisionKey(st.managementAccountId, input.PermissionSetArn));
  if (!inManagement && !setInManagement) return;
  throw new SimError(
    "AccessDeniedException",
    `User: ${ctx.caller.arn} is not authorized to perform: sso:${ctx.operation}: a delegated administrator cannot manage ${inManagement ? "the management account" : "a permission set provisioned in the management account"}`,
  );
}

export function ssoAdmin(rt: SimRuntime, ctx: CallContext, input: Input): unknown {
  const st = rt.state;
  denyDelegatedAdmin(st, ctx, input);
  switch (ctx.operation) {
    case "ListInstances": {
      const p = page(
        [
          {
            InstanceArn: st.instanceArn,
            IdentityStoreId: st.identityStoreId,
            OwnerAccountId: st.managementAccountId,
            Name: "jit-demo",
            Status: "ACTIVE",
            CreatedDate: epochSeconds(Date.UTC(2024, 0, 15)),
          },
        ],
        "ListInstances",
        input,
      );
      return { Instances: p.items, NextToken: p.nextToken };
    }
    case "CreatePermissionSet": {
      checkInstance(st, input);
      const name = v.pattern(v.length(v.required(input, "Name"), 1, 32, "name"), NAME_RE, "name", "[\\w+=,.@-]+");
      const description = validateDescription(input.Description);
      const sessionDuration = validateSession(input.SessionDuration) ?? "PT1H";
      const relayState = validateRelay(input.RelayState);
      const tags = validateTags(input.Tags);
      for (const ps of st.permissionSets.values()) if (ps.name === name) throw conflict(`PermissionSet with name ${name} already exists.`);
      if (st.permissionSets.size >= rt.config.quotas.permissionSetsPerInstance) {
        throw new SimError("ServiceQuotaExceededException", `The number of permission sets in the instance has reached the quota of ${rt.config.quotas.permissionSetsPerInstance}.`);
      }
      const ps = addPermissionSet(st, { name, description, sessionDuration, relayState, tags }, ctx.now);
      return { PermissionSet: psOut(ps) };
    }
    case "UpdatePermissionSet": {
      checkInstance(st, input);
      const ps = getPs(st, input);
      const description = validateDescription(input.Description);
      const session = validateSession(input.SessionDuration);
      const relay = validateRelay(input.RelayState);
      if (description !== undefined) ps.description = description;
      if (session !== undefined) ps.sessionDuration = session;
      if (relay !== undefined) ps.relayState = relay;
      bump(ps);
      return {};
    }
    case "DescribePermissionSet": {
      checkInstance(st, input);
      return { PermissionSet: psOut(getPs(st, input)) };
    }
    case "ListPermissionSets": {
      checkInstance(st, input);
      const p = page([...st.permissionSets.keys()], "ListPermissionSets", input);
      return { PermissionSets: p.items, NextToken: p.nextToken };
    }
    case "DeletePermissionSet": {
      checkInstance(st, input);
      const ps = getPs(st, input);
      for (const a of st.assignments.values()) {
        if (a.permissionSetArn === ps.arn) throw conflict(`PermissionSet ${ps.arn} has account assignments and cannot be deleted. Remove the assignments first.`);
      }
      for (const p of st.provisioned.values()) {
        if (p.permissionSetArn === ps.arn) throw conflict(`PermissionSet ${ps.arn} is provisioned to account ${p.accountId} and cannot be deleted.`);
      }
      for (const id of st.pendingOps) {
        if (st.asyncOps.get(id)?.permissionSetArn === ps.arn) throw conflict(`PermissionSet ${ps.arn} has an operation in progress.`);
      }
      st.permissionSets.delete(ps.arn);
      return {};
    }
    case "TagResource": {
      checkInstance(st, input);
      const ps = getPs(st, input, "ResourceArn");
      const tags = validateTags(input.Tags);
      if (tags.length === 0) throw v.fail("tags", "[]", "Member must have length greater than or equal to 1");
      const merged = new Map(ps.tags.map((t) => [t.Key, t.Value]));
      for (const t of tags) merged.set(t.Key, t.Value);
      if (merged.size > 75) throw new SimError("ServiceQuotaExceededException", "The number of tags on the resource exceeds the quota of 75.");
      ps.tags = [...merged].map(([Key, Value]) => ({ Key, Value }));
      return {};
    }
    case "UntagResource": {
      checkInstance(st, input);
      const ps = getPs(st, input, "ResourceArn");
      const keys = input.TagKeys;
      if (!Array.isArray(keys) || keys.length === 0) throw v.fail("tagKeys", keys, "Member must have length greater than or equal to 1");
      ps.tags = ps.tags.filter((t) => !keys.includes(t.Key));
      return {};
    }
    case "ListTagsForResource": {
      checkInstance(st, input);
      const ps = getPs(st, input, "ResourceArn");
      const p = paginate(ps.tags, "ListTagsForResource", tokenArg(input), 50, badToken);
      return { Tags: p.items, NextToken: p.nextToken };
    }
    case "PutInlinePolicyToPermissionSet": {
      checkInstance(st, input);
      const ps = getPs(st, input);
      const policy = v.length(v.required(input, "InlinePolicy"), 1, 32768, "inlinePolicy");
      if (policy.replace(/\s/g, "").length > 10240) {
        throw new SimError("ServiceQuotaExceededException", "The inline policy exceeds the quota of 10240 non-whitespace characters.");
      }
      let doc: unknown;
      try {
        doc = JSON.parse(policy);
      } catch {
        throw new SimError("ValidationException", "The policy document is not valid JSON (MALFORMED_POLICY_DOCUMENT).");
      }
      if (!doc || typeof doc !== "object" || !("Statement" in doc)) {
        throw new SimError("ValidationException", "The policy document is invalid: missing required field Statement.");
      }
      ps.inlinePolicy = policy;
      bump(ps);
      return {};
    }
    case "GetInlinePolicyForPermissionSet": {
      checkInstance(st, input);
      return { InlinePolicy: getPs(st, input).inlinePolicy ?? "" };
    }
    case "DeleteInlinePolicyFromPermissionSet": {
      checkInstance(st, input);
      const ps = getPs(st, input);
      ps.inlinePolicy = undefined;
      bump(ps);
      return {};
    }
    case "AttachManagedPolicyToPermissionSet": {
      checkInstance(st, input);
      const ps = getPs(st, input);
      const arn = v.pattern(v.length(v.required(input, "ManagedPolicyArn"), 20, 2048, "managedPolicyArn"), MANAGED_ARN_RE, "managedPolicyArn");
      samePartition(st, arn, "managedPolicyArn");
      if (!awsManagedPolicyByArn(st.partition, arn)) throw notFound(`Policy ${arn} does not exist or is not attachable.`);
      if (ps.managedPolicyArns.includes(arn)) throw conflict(`Policy ${arn} is already attached to the permission set.`);
      if (ps.managedPolicyArns.length + ps.customerManagedPolicyReferences.length >= 20) {
        throw new SimError("ServiceQuotaExceededException", "The number of managed policies attached to the permission set exceeds the quota of 20.");
      }
      ps.managedPolicyArns.push(arn);
      bump(ps);
      return {};
    }
    case "DetachManagedPolicyFromPermissionSet": {
      checkInstance(st, input);
      const ps = getPs(st, input);
      const arn = v.required(input, "ManagedPolicyArn");
      if (!ps.managedPolicyArns.includes(arn)) throw notFound(`Policy ${arn} is not attached to the permission set.`);
      ps.managedPolicyArns = ps.managedPolicyArns.filter((a) => a !== arn);
      bump(ps);
      return {};
    }
    case "ListManagedPoliciesInPermissionSet": {
      checkInstance(st, input);
      const ps = getPs(st, input);
      const p = page(ps.managedPolicyArns.map((arn) => ({ Arn: arn, Name: awsManagedPolicyByArn(st.partition, arn)?.name ?? arn.split("/").pop() })), "ListManagedPoliciesInPermissionSet", input);
      return { AttachedManagedPolicies: p.items, NextToken: p.nextToken };
    }
    case "AttachCustomerManagedPolicyReferenceToPermissionSet": {
      checkInstance(st, input);
      const ps = getPs(st, input);
      const ref = (input.CustomerManagedPolicyReference ?? undefined) as Input | undefined;
      if (!ref) throw v.fail("customerManagedPolicyReference", undefined, "Member must not be null");
      const name = v.pattern(v.length(v.required(ref, "Name", "customerManagedPolicyReference.name"), 1, 128, "customerManagedPolicyReference.name"), CMP_NAME_RE, "customerManagedPolicyReference.name");
      const path = ref.Path === undefined ? "/" : v.pattern(v.length(String(ref.Path), 1, 512, "customerManagedPolicyReference.path"), CMP_PATH_RE, "customerManagedPolicyReference.path");
      if (ps.customerManagedPolicyReferences.some((r) => r.Name === name && r.Path === path)) {
        throw conflict(`Customer managed policy reference ${path}${name} is already attached to the permission set.`);
      }
      if (ps.managedPolicyArns.length + ps.customerManagedPolicyReferences.length >= 20) {
        throw new SimError("ServiceQuotaExceededException", "The number of managed policies attached to the permission set exceeds the quota of 20.");
      }
      ps.customerManagedPolicyReferences.push({ Name: name, Path: path });
      bump(ps);
      return {};
    }
    case "DetachCustomerManagedPolicyReferenceFromPermissionSet": {
      checkInstance(st, input);
      const ps = getPs(st, input);
      const ref = (input.CustomerManagedPolicyReference ?? {}) as Input;
      const name = v.required(ref, "Name", "customerManagedPolicyReference.name");
      const path = typeof ref.Path === "string" ? ref.Path : "/";
      const before = ps.customerManagedPolicyReferences.length;
      ps.customerManagedPolicyReferences = ps.customerManagedPolicyReferences.filter((r) => !(r.Name === name && r.Path === path));
      if (ps.customerManagedPolicyReferences.length === before) throw notFound(`Customer managed policy reference ${path}${name} is not attached to the permission set.`);
      bump(ps);
      return {};
    }
    case "ListCustomerManagedPolicyReferencesInPermissionSet": {
      checkInstance(st, input);
      const ps = getPs(st, input);
      const p = page(ps.customerManagedPolicyReferences, "ListCustomerManagedPolicyReferencesInPermissionSet", input);
      return { CustomerManagedPolicyReferences: p.items, NextToken: p.nextToken };
    }
    case "ProvisionPermissionSet": {
      checkInstance(st, input);
      const ps = getPs(st, input);
      const targetType = v.oneOf(v.required(input, "TargetType"), ["AWS_ACCOUNT", "ALL_PROVISIONED_ACCOUNTS"] as const, "targetType");
      let accountId = "";
      if (targetType === "AWS_ACCOUNT") {
        accountId = v.pattern(v.required(input, "TargetId"), ACCOUNT_ID_RE, "targetId", "\\d{12}");
        if (!st.accounts.has(accountId)) throw notFound(`Account ${accountId} is not a member of the organization.`);
        checkAccountConflict(st, [accountId], ps.arn);
      } else {
        if (input.TargetId !== undefined) throw new SimError("ValidationException", "TargetId must not be set when TargetType is ALL_PROVISIONED_ACCOUNTS.");
        const accounts = [...st.provisioned.values()].filter((p) => p.permissionSetArn === ps.arn).map((p) => p.accountId);
        checkAccountConflict(st, accounts, ps.arn);
      }
      const op = enqueue(rt, ctx, { kind: "provision", accountId, permissionSetArn: ps.arn });
      return { PermissionSetProvisioningStatus: provisioningStatusOut(op) };
    }
    case "DescribePermissionSetProvisioningStatus": {
      checkInstance(st, input);
      const id = requestIdArg(input, "ProvisionPermissionSetRequestId", "provisionPermissionSetRequestId");
      const op = st.asyncOps.get(id);
      if (!op || op.kind !== "provision") throw notFound(`Request ${id} does not exist.`);
      return { PermissionSetProvisioningStatus: provisioningStatusOut(op) };
    }
    case "CreateAccountAssignment":
    case "DeleteAccountAssignment": {
      const a = assignmentArgs(st, input);
      if (!st.accounts.has(a.accountId)) throw notFound(`Account ${a.accountId} is not a member of the organization.`);
      const principalExists = a.principalType === "USER" ? st.users.has(a.principalId) : st.groups.has(a.principalId);
      if (!principalExists) throw notFound(`${a.principalType === "USER" ? "User" : "Group"} ${a.principalId} does not exist in the identity store.`);
      if (outstandingAssignmentOps(st) >= rt.config.quotas.outstandingAssignmentOperations) {
        throw new SimError("ThrottlingException", `There are too many requests processing. Please try again later. (at most ${rt.config.quotas.outstandingAssignmentOperations} account assignment operations may be in progress)`);
      }
      checkAccountConflict(st, [a.accountId], a.ps.arn);
      const create = ctx.operation === "CreateAccountAssignment";
      const op = enqueue(rt, ctx, {
        kind: create ? "create" : "delete",
        accountId: a.accountId,
        permissionSetArn: a.ps.arn,
        principalType: a.principalType,
        principalId: a.principalId,
      });
      return create ? { AccountAssignmentCreationStatus: assignmentStatusOut(op) } : { AccountAssignmentDeletionStatus: assignmentStatusOut(op) };
    }
    case "DescribeAccountAssignmentCreationStatus":
    case "DescribeAccountAssignmentDeletionStatus": {
      checkInstance(st, input);
      const create = ctx.operation === "DescribeAccountAssignmentCreationStatus";
      const key = create ? "AccountAssignmentCreationRequestId" : "AccountAssignmentDeletionRequestId";
      const id = requestIdArg(input, key, create ? "accountAssignmentCreationRequestId" : "accountAssignmentDeletionRequestId");
      const op = st.asyncOps.get(id);
      if (!op || op.kind !== (create ? "create" : "delete")) throw notFound(`Request ${id} does not exist.`);
      return create ? { AccountAssignmentCreationStatus: assignmentStatusOut(op) } : { AccountAssignmentDeletionStatus: assignmentStatusOut(op) };
    }
    case "ListAccountAssignmentCreationStatus": {
      const p = listOps(st, input, "create", ctx.operation);
      return { AccountAssignmentsCreationStatus: p.items, NextToken: p.nextToken };
    }
    case "ListAccountAssignmentDeletionStatus": {
      const p = listOps(st, input, "delete", ctx.operation);
      return { AccountAssignmentsDeletionStatus: p.items, NextToken: p.nextToken };
    }
    case "ListPermissionSetProvisioningStatus": {
      const p = listOps(st, input, "provision", ctx.operation);
      return { PermissionSetsProvisioningStatus: p.items, NextToken: p.nextToken };
    }
    case "ListAccountAssignments": {
      checkInstance(st, input);
      const accountId = v.pattern(v.required(input, "AccountId"), ACCOUNT_ID_RE, "accountId", "\\d{12}");
      const ps = getPs(st, input);
      const items = [...st.assignments.values()]
        .filter((a) => a.accountId === accountId && a.permissionSetArn === ps.arn)
        .map((a) => ({ AccountId: a.accountId, PermissionSetArn: a.permissionSetArn, PrincipalType: a.principalType, PrincipalId: a.principalId }));
      const p = page(items, `${ctx.operation}:${accountId}:${ps.arn}`, input);
      return { AccountAssignments: p.items, NextToken: p.nextToken };
    }
    case "ListAccountAssignmentsForPrincipal": {
      checkInstance(st, input);
      const principalType = v.oneOf(v.required(input, "PrincipalType"), ["USER", "GROUP"] as const, "principalType");
      const principalId = v.pattern(v.required(input, "PrincipalId"), PRINCIPAL_RE, "principalId");
      const filterAccount = (input.Filter as Input | undefined)?.AccountId as string | undefined;
      if (filterAccount !== undefined) v.pattern(filterAccount, ACCOUNT_ID_RE, "filter.accountId", "\\d{12}");
      const items = [...st.assignments.values()]
        .filter((a) => a.principalType === principalType && a.principalId === principalId && (!filterAccount || a.accountId === filterAccount))
        .map((a) => ({ AccountId: a.accountId, PermissionSetArn: a.permissionSetArn, PrincipalType: a.principalType, PrincipalId: a.principalId }));
      const p = page(items, `${ctx.operation}:${principalId}`, input);
      return { AccountAssignments: p.items, NextToken: p.nextToken };
    }
    case "ListAccountsForProvisionedPermissionSet": {
      checkInstance(st, input);
      const ps = getPs(st, input);
      const status = input.ProvisioningStatus as string | undefined;
      if (status !== undefined) v.oneOf(status, ["LATEST_PERMISSION_SET_PROVISIONED", "LATEST_PERMISSION_SET_NOT_PROVISIONED"] as const, "provisioningStatus");
      const items = [...st.provisioned.values()]
        .filter((p) => p.permissionSetArn === ps.arn)
        .filter((p) => !status || (status === "LATEST_PERMISSION_SET_PROVISIONED") === (p.version === ps.version))
        .map((p) => p.accountId);
      const p = page(items, `${ctx.operation}:${ps.arn}`, input);
      return { AccountIds: p.items, NextToken: p.nextToken };
    }
    case "ListPermissionSetsProvisionedToAccount": {
      checkInstance(st, input);
      const accountId = v.pattern(v.required(input, "AccountId"), ACCOUNT_ID_RE, "accountId", "\\d{12}");
      const status = input.ProvisioningStatus as string | undefined;
      if (status !== undefined) v.oneOf(status, ["LATEST_PERMISSION_SET_PROVISIONED", "LATEST_PERMISSION_SET_NOT_PROVISIONED"] as const, "provisioningStatus");
      const items = [...st.provisioned.values()]
        .filter((p) => p.accountId === accountId)
        .filter((p) => !status || (status === "LATEST_PERMISSION_SET_PROVISIONED") === (p.version === st.permissionSets.get(p.permissionSetArn)?.version))
        .map((p) => p.permissionSetArn);
      const p = page(items, `${ctx.operation}:${accountId}`, input);
      return { PermissionSets: p.items, NextToken: p.nextToken };
    }
    default:
      throw new SimError("UnknownOperationException", `Operation ${ctx.operation} is not supported by the simulator.`);
  }
}
