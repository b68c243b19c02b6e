import type {
  PrincipalType,
  SimAccount,
  SimGroup,
  SimOu,
  SimPermissionSet,
  SimRole,
  SimState,
  SimUser,
  Tag,
} from "./types";
import { PARTITION_INFO, partitionOfRegion, type SimPartition } from "./partition";
import { hexOf, nextSeq, resourcesOf, upperIdOf, uuidOf } from "./util";

export interface OrgIdentity {
  organizationId: string;
  managementAccountId: string;
  managementAccountName: string;
  managementEmail: string;
  rootId: string;
  instanceArn: string;
  identityStoreId: string;
  homeRegion: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export function createState(org: OrgIdentity, now = Date.now()): SimState {
  const partition = partitionOfRegion(org.homeRegion);
  const state: SimState = {
    organizationId: org.organizationId,
    managementAccountId: org.managementAccountId,
    rootId: org.rootId,
    instanceArn: org.instanceArn,
    identityStoreId: org.identityStoreId,
    homeRegion: org.homeRegion,
    partition,
    regions: [...PARTITION_INFO[partition].seededRegions],
    accounts: new Map(),
    ous: new Map(),
    users: new Map(),
    groups: new Map(),
    memberships: new Map(),
    permissionSets: new Map(),
    assignments: new Map(),
    provisioned: new Map(),
    asyncOps: new Map(),
    pendingOps: [],
    resources: new Map(),
    credentials: new Map(),
    delegatedAdministrators: new Set(),
    seq: 0,
  };
  addAccount(state, {
    id: org.managementAccountId,
    name: org.managementAccountName,
    email: org.managementEmail,
    parentId: org.rootId,
    joinedAt: now,
    tags: [],
  });
  state.credentials.set(org.accessKeyId, {
    accessKeyId: org.accessKeyId,
    secretAccessKey: org.secretAccessKey,
    accountId: org.managementAccountId,
    arn: `arn:${partition}:iam::${org.managementAccountId}:user/jit-portal`,
    userId: `AIDA${upperIdOf(org.accessKeyId, 17)}`,
    assumed: false,
  });
  return state;
}

export const instanceIdOf = (state: SimState): string => state.instanceArn.split("/")[1] ?? "";

export const accountArn = (state: SimState, id: string) =>
  `arn:${state.partition}:organizations::${state.managementAccountId}:account/${state.organizationId}/${id}`;
export const ouArn = (state: SimState, id: string) =>
  `arn:${state.partition}:organizations::${state.managementAccountId}:ou/${state.organizationId}/${id}`;
export const rootArn = (state: SimState) =>
  `arn:${state.partition}:organizations::${state.managementAccountId}:root/${state.organizationId}/${state.rootId}`;
export const organizationArn = (state: SimState) =>
  `arn:${state.partition}:organizations::${state.managementAccountId}:organization/${state.organizationId}`;
export const roleArn = (state: SimState, accountId: string, role: Pick<SimRole, "path" | "roleName">) =>
  `arn:${state.partition}:iam::${accountId}:role${role.path}${role.roleName}`;
/** The principal that stands for every identity of an account in a trust policy. */
export const accountRootArn = (state: SimState, accountId: string) => `arn:${state.partition}:iam::${accountId}:root`;

export function addOu(state: SimState, ou: SimOu): SimOu {
  state.ous.set(ou.id, ou);
  return ou;
}

export function newOuId(state: SimState, name: string): string {
  return `ou-${state.rootId.slice(2)}-${hexOf(`${name}:${nextSeq(state)}`, 8)}`;
}

export function addAccount(state: SimState, account: SimAccount): SimAccount {
  state.accounts.set(account.id, account);
  resourcesOf(state, account.id);
  return account;
}

export function addUser(state: SimState, u: Omit<SimUser, "userId"> & { userId?: string }): SimUser {
  const userId = u.userId ?? `${state.identityStoreId.slice(2)}-${uuidOf(`user:${u.userName}`)}`;
  const user: SimUser = { ...u, userId };
  state.users.set(userId, user);
  return user;
}

export function addGroup(state: SimState, g: { displayName: string; description?: string; groupId?: string }): SimGroup {
  const groupId = g.groupId ?? `${state.identityStoreId.slice(2)}-${uuidOf(`group:${g.displayName}`)}`;
  const group: SimGroup = { groupId, displayName: g.displayName, description: g.description };
  state.groups.set(groupId, group);
  return group;
}

export function addMembership(state: SimState, groupId: string, userId: string): string {
  for (const m of state.memberships.values()) if (m.groupId === groupId && m.userId === userId) return m.membershipId;
  const membershipId = `${state.identityStoreId.slice(2)}-${uuidOf(`membership:${groupId}:${userId}:${nextSeq(state)}`)}`;
  state.memberships.set(membershipId, { membershipId, groupId, userId });
  return membershipId;
}

export function newPermissionSetArn(state: SimState, name: string): string {
  return `arn:${state.partition}:sso:::permissionSet/${instanceIdOf(state)}/ps-${hexOf(`ps:${name}:${nextSeq(state)}`, 16)}`;
}

export function addPermissionSet(
  state: SimState,
  ps: Partial<SimPermissionSet> & { name: string },
  now = Date.now(),
): SimPermissionSet {
  const full: SimPermissionSet = {
    arn: ps.arn ?? newPermissionSetArn(state, ps.name),
    name: ps.name,
    description: ps.description,
    sessionDuration: ps.sessionDuration ?? "PT1H",
    relayState: ps.relayState,
    createdAt: ps.createdAt ?? now,
    tags: ps.tags ?? [],
    inlinePolicy: ps.inlinePolicy,
    managedPolicyArns: ps.managedPolicyArns ?? [],
    customerManagedPolicyReferences: ps.customerManagedPolicyReferences ?? [],
    version: 1,
  };
  state.permissionSets.set(full.arn, full);
  return full;
}

export const assignmentKey = (accountId: string, psArn: string, type: PrincipalType, id: string) =>
  `${accountId}|${psArn}|${type}|${id}`;
export const provisionKey = (accountId: string, psArn: string) => `${accountId}|${psArn}`;

/** The role name AWS gives a provisioned permission set; the suffix is stable per permission set. */
export function ssoRoleName(ps: SimPermissionSet): string {
  return `AWSReservedSSO_${ps.name}_${hexOf(ps.arn, 16)}`;
}

export function roleIdOf(accountId: string, roleName: string): string {
  return `AROA${upperIdOf(`${accountId}:${roleName}`, 17)}`;
}

export function addRole(
  state: SimState,
  accountId: string,
  r: Partial<SimRole> & { roleName: string; trustPolicy: string },
  now = Date.now(),
): SimRole {
  const role: SimRole = {
    roleName: r.roleName,
    roleId: r.roleId ?? roleIdOf(accountId, r.roleName),
    path: r.path ?? "/",
    createdAt: r.createdAt ?? now,
    trustPolicy: r.trustPolicy,
    description: r.description,
    maxSessionDuration: r.maxSessionDuration ?? 3600,
    tags: r.tags ?? [],
    attachedPolicyArns: r.attachedPolicyArns ?? [],
    inlinePolicies: r.inlinePolicies ?? {},
  };
  resourcesOf(state, accountId).roles.set(role.roleName, role);
  return role;
}

export function trustPolicyFor(principalArn: string, externalId?: string): string {
  const statement: Record<string, unknown> = {
    Effect: "Allow",
    Principal: { AWS: principalArn },
    Action: "sts:AssumeRole",
  };
  if (externalId) statement.Condition = { StringEquals: { "sts:ExternalId": externalId } };
  return JSON.stringify({ Version: "2012-10-17", Statement: [statement] });
}

export function samlTrustPolicy(partition: SimPartition, accountId: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: `arn:${partition}:iam::${accountId}:saml-provider/AWSSSO_${hexOf(accountId, 16)}_DO_NOT_DELETE` },
        Action: ["sts:AssumeRoleWithSAML", "sts:TagSession"],
        Condition: { StringEquals: { "SAML:aud": PARTITION_INFO[partition].samlAudience } },
      },
    ],
  });
}

export const policyArn = (partition: SimPartition, accountId: string, path: string, name: string) =>
  `arn:${partition}:iam::${accountId}:policy${path}${name}`;

export const tagsFrom = (o: Record<string, string>): Tag[] => Object.entries(o).map(([Key, Value]) => ({ Key, Value }));

/**
 * Writes a permission set into an account as its IAM role (the effect of a successful provisioning).
 * Returns a FailureReason string when the account cannot take it, mirroring what the async status reports.
 */
export function applyProvisioning(
  state: SimState,
  accountId: string,
  ps: SimPermissionSet,
  limits: { rolesPerAccount: number; permissionSetsPerAccount: number },
  now = Date.now(),
): string | undefined {
  const res = resourcesOf(state, accountId);
  const key = provisionKey(accountId, ps.arn);
  const existing = state.provisioned.get(key);
  for (const ref of ps.customerManagedPolicyReferences) {
    if (!res.policies.has(ref.Name) || res.policies.get(ref.Name)?.path !== ref.Path) {
      return `Received a 404 status error: Policy ${policyArn(state.partition, accountId, ref.Path, ref.Name)} does not exist or is not attachable.`;
    }
  }
  if (!existing) {
    let provisionedHere = 0;
    for (const p of state.provisioned.values()) if (p.accountId === accountId) provisionedHere++;
    if (provisionedHere >= limits.permissionSetsPerAccount) {
      return `Received a 409 status error: Cannot exceed quota for PermissionSetsProvisionedPerAccount: ${limits.permissionSetsPerAccount}`;
    }
    if (res.roles.size >= limits.rolesPerAccount) {
      return `Received a 409 status error: Cannot exceed quota for RolesPerAccount: ${limits.rolesPerAccount}`;
    }
  }
  const roleName = ssoRoleName(ps);
  const region = state.homeRegion;
  const prior = res.roles.get(roleName);
  addRole(
    state,
    accountId,
    {
      roleName,
      path: `/aws-reserved/sso.amazonaws.com/${region}/`,
      trustPolicy: samlTrustPolicy(state.partition, accountId),
      description: undefined,
      maxSessionDuration: isoDurationSeconds(ps.sessionDuration) ?? 3600,
      createdAt: prior?.createdAt ?? now,
      attachedPolicyArns: [
        ...ps.managedPolicyArns,
        ...ps.customerManagedPolicyReferences.map((r) => policyArn(state.partition, accountId, r.Path, r.Name)),
      ],
      inlinePolicies: ps.inlinePolicy ? { AwsSSOInlinePolicy: ps.inlinePolicy } : {},
    },
    now,
  );
  state.provisioned.set(key, { accountId, permissionSetArn: ps.arn, roleName, version: ps.version });
  return undefined;
}

export function removeProvisioning(state: SimState, accountId: string, psArn: string): void {
  const key = provisionKey(accountId, psArn);
  const p = state.provisioned.get(key);
  if (!p) return;
  resourcesOf(state, accountId).roles.delete(p.roleName);
  state.provisioned.delete(key);
}

export function isoDurationSeconds(d: string): number | undefined {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(d);
  if (!m || (!m[1] && !m[2] && !m[3])) return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}
