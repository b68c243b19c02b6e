/** In-memory model of the simulated AWS organization. Plain data so /_sim/state can serialize it. */

import type { SimPartition } from "./partition";

export interface Tag {
  Key: string;
  Value: string;
}

export interface SimAccount {
  id: string;
  name: string;
  email: string;
  parentId: string;
  joinedAt: number;
  tags: Tag[];
}

export interface SimOu {
  id: string;
  name: string;
  parentId: string;
  tags: Tag[];
}

export interface SimUser {
  userId: string;
  userName: string;
  displayName: string;
  givenName: string;
  familyName: string;
  email: string;
}

export interface SimGroup {
  groupId: string;
  displayName: string;
  description?: string;
}

export interface SimMembership {
  membershipId: string;
  groupId: string;
  userId: string;
}

export interface SimPermissionSet {
  arn: string;
  name: string;
  description?: string;
  sessionDuration: string;
  relayState?: string;
  createdAt: number;
  tags: Tag[];
  inlinePolicy?: string;
  managedPolicyArns: string[];
  customerManagedPolicyReferences: { Name: string; Path: string }[];
  /** Bumped on every policy change so provisioned copies can be told apart from the latest. */
  version: number;
}

export type PrincipalType = "USER" | "GROUP";

export interface SimAssignment {
  accountId: string;
  permissionSetArn: string;
  principalType: PrincipalType;
  principalId: string;
}

export interface SimProvisioning {
  accountId: string;
  permissionSetArn: string;
  roleName: string;
  version: number;
}

export type AsyncStatus = "IN_PROGRESS" | "SUCCEEDED" | "FAILED";

export interface SimAsyncOp {
  requestId: string;
  kind: "create" | "delete" | "provision";
  accountId: string;
  permissionSetArn: string;
  principalType?: PrincipalType;
  principalId?: string;
  status: AsyncStatus;
  failureReason?: string;
  createdAt: number;
  completeAt: number;
  /** Decided when the request arrives (fault injection); applied when the op completes. */
  injectedFailure?: string;
}

export interface SimRole {
  roleName: string;
  roleId: string;
  path: string;
  createdAt: number;
  trustPolicy: string;
  description?: string;
  maxSessionDuration: number;
  tags: Tag[];
  attachedPolicyArns: string[];
  inlinePolicies: Record<string, string>;
}

export interface SimPolicy {
  name: string;
  policyId: string;
  path: string;
  description?: string;
  document: string;
  createdAt: number;
  tags: Tag[];
}

export interface SimBucket {
  name: string;
  region: string;
  createdAt: number;
  /** undefined = no tag set at all (GetBucketTagging answers NoSuchTagSet). */
  tags?: Tag[];
}

export interface SimInstance {
  instanceId: string;
  reservationId: string;
  region: string;
  instanceType: string;
  imageId: string;
  state: "pending" | "running" | "shutting-down" | "stopping" | "stopped" | "terminated";
  privateIp: string;
  launchedAt: number;
  tags: Tag[];
}

export interface SimSecret {
  name: string;
  arn: string;
  region: string;
  description?: string;
  createdAt: number;
  lastChangedAt: number;
  deletedAt?: number;
  tags: Tag[];
}

export interface SimAccountResources {
  roles: Map<string, SimRole>;
  /** Keyed by policy name (customer-managed, path "/" or nested; names are unique per account). */
  policies: Map<string, SimPolicy>;
  buckets: Map<string, SimBucket>;
  instances: SimInstance[];
  secrets: SimSecret[];
}

export interface SimCredential {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  accountId: string;
  /** IAM user ARN or sts assumed-role ARN. */
  arn: string;
  /** Role ARN for assumed roles, used when a trust policy names the role. */
  roleArn?: string;
  userId: string;
  expiresAt?: number;
  /** True for credentials obtained by role chaining (limits DurationSeconds to 1 h). */
  assumed: boolean;
}

export interface SimState {
  organizationId: string;
  managementAccountId: string;
  rootId: string;
  instanceArn: string;
  identityStoreId: string;
  homeRegion: string;
  /** follows from homeRegion: the prefix of every ARN the simulator writes and accepts */
  partition: SimPartition;
  /** regions the seeds put buckets, instances and secrets in (the partition's; the first is the default) */
  regions: string[];
  accounts: Map<string, SimAccount>;
  ous: Map<string, SimOu>;
  users: Map<string, SimUser>;
  groups: Map<string, SimGroup>;
  memberships: Map<string, SimMembership>;
  permissionSets: Map<string, SimPermissionSet>;
  /** key = `${accountId}|${psArn}|${principalType}|${principalId}` */
  assignments: Map<string, SimAssignment>;
  /** key = `${accountId}|${psArn}` */
  provisioned: Map<string, SimProvisioning>;
  asyncOps: Map<string, SimAsyncOp>;
  /** request ids of IN_PROGRESS ops, kept in completion order */
  pendingOps: string[];
  resources: Map<string, SimAccountResources>;
  credentials: Map<string, SimCredential>;
  /** Organizations' delegated administrators: `${servicePrincipal}|${accountId}` (sso.amazonaws.com for Identity Center). */
  delegatedAdministrators: Set<string>;
  /** Monotonic counter for deterministic ids. */
  seq: number;
}
