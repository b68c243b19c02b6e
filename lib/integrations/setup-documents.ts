import { RESOURCE_TYPES, type TResourceTypeName } from "./integration-config-schema.ts";
import { effectiveResourceTypes } from "../discovery/resource-filters.ts";
import type { TPartition } from "../aws/partition.ts";

/**
 * The IAM documents an AWS admin creates for the portal, with account ids, role names and external
 * id filled in and only the permissions the chosen resource types need. Pure: the page, the tests
 * and the download buttons all use these functions.
 */
export type TSetupInput = {
  /** The integration's partition (from its region): every ARN in the documents carries it. */
  partition: TPartition;
  /** 12-digit management account id, or null when not known yet. */
  managementAccountId: string | null;
  authMethod: "ACCESS_KEY" | "ASSUME_ROLE";
  /** The management role (ASSUME_ROLE) the sub-account roles must trust instead of the whole account. */
  rootRoleArn: string | null;
  rootExternalId: string | null;
  /** access_role_arn of the sub-account entry, with * for the account id. */
  subAccountRoleArn: string;
  /** The other enabled entries: the management side may assume their roles too, and one whose role or external id differs gets its own trust policy. */
  otherEntries?: readonly { accountId: string; roleArn: string; externalId: string | null }[];
  subAccountExternalId: string | null;
  resourceTypes: readonly TResourceTypeName[];
  instanceArn: string | null;
  tempPermissionSetPrefix: string;
};

export type TPolicyDocument = { Version: "2012-10-17"; Statement: TStatement[] };
type TStatement = { Sid: string; Effect: "Allow"; Action: string | string[]; Resource?: string | string[]; Principal?: { AWS: string }; Condition?: Record<string, Record<string, string>> };

const MANAGEMENT_PLACEHOLDER = "<management-account-id>";
export const SUB_ACCOUNT_ROLE_DEFAULT = "jit-portal-access";

// Exactly the reads discovery and the connection test make (lib/aws/account-resources-api.ts): no
// GetPolicyVersion, which would let the portal read every policy document.
const READ_ACTIONS: Record<TResourceTypeName, string[]> = {
  IAM_ROLE: ["iam:ListRoleTags", "iam:ListRoles"],
  IAM_POLICY: ["iam:ListPolicies", "iam:ListPolicyTags"],
  S3_BUCKET: ["s3:GetBucketTagging", "s3:ListAllMyBuckets"],
  EC2_INSTANCE: ["ec2:DescribeInstances", "ec2:DescribeRegions"],
  SECRET: ["ec2:DescribeRegions", "secretsmanager:ListSecrets"],
};

function typesOrAll(types: readonly TResourceTypeName[]): TResourceTypeName[] {
  return types.length > 0 ? RESOURCE_TYPES.filter((t) => types.includes(t)) : [...RESOURCE_TYPES];
}

/** The role name in an access_role_arn (last path segment). */
export function roleNameOf(roleArn: string): string {
  return roleArn.split("/").pop() || SUB_ACCOUNT_ROLE_DEFAULT;
}

/** The role's IAM path ("/" or "/portal/"), which the template must create it under. */
export function rolePathOf(roleArn: string): string {
  const afterRole = roleArn.split(":role/")[1] ?? "";
  const parts = afterRole.split("/").slice(0, -1);
  return parts.length > 0 ? `/${parts.join("/")}/` : "/";
}

/** What the management side may assume: each entry's role ARN as written (path, partition and * account kept). */
function assumableRoleArns(input: TSetupInput): string[] {
  return [...new Set([input.subAccountRoleArn, ...(input.otherEntries ?? []).map((e) => e.roleArn)])].sort();
}

/** The permissions of the management credentials: discovery reads plus the worker's grant operations. */
export function buildManagementPolicy(input: TSetupInput): TPolicyDocument {
  const instance = input.instanceArn ?? "*";
  const assumable = assumableRoleArns(input);
  const managementAccount = input.managementAccountId ?? MANAGEMENT_PLACEHOLDER;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "OrganizationsRead",
        Effect: "Allow",
        Action: [
          "organizations:DescribeOrganization",
          "organizations:ListAccounts",
          "organizations:ListAccountsForParent",
          "organizations:ListOrganizationalUnitsForParent",
          "organizations:ListRoots",
        ],
        Resource: "*",
      },
      {
        Sid: "IdentityCenterRead",
        Effect: "Allow",
        Action: [
          "sso:DescribeAccountAssignmentCreationStatus",
          "sso:DescribeAccountAssignmentDeletionStatus",
          "sso:DescribePermissionSet",
          "sso:ListAccountAssignments",
          "sso:ListAccountAssignmentsForPrincipal",
          "sso:ListAccountsForProvisionedPermissionSet",
          "sso:ListInstances",
          "sso:ListPermissionSets",
          "sso:ListTagsForResource",
        ],
        Resource: "*",
      },
      {
        // IAM cannot match permission-set names: the portal itself only touches sets named
        // `${prefix}…` and tagged managed-by=jit-access-portal, plus assignments it created.
        Sid: "IdentityCenterGrants",
        Effect: "Allow",
        Action: [
          "sso:AttachCustomerManagedPolicyReferenceToPermissionSet",
          "sso:CreateAccountAssignment",
          "sso:CreatePermissionSet",
          "sso:DeleteAccountAssignment",
          "sso:DeletePermissionSet",
          // CreateAccountAssignment provisions the set to the account itself; kept so that step is never refused.
          "sso:ProvisionPermissionSet",
          "sso:PutInlinePolicyToPermissionSet",
          "sso:TagResource",
        ],
        Resource: instance === "*" ? "*" : [instance, `arn:${input.partition}:sso:::permissionSet/${instance.split("/").pop()}/*`, `arn:${input.partition}:sso:::account/*`],
      },
      {
        Sid: "IdentityStore",
        Effect: "Allow",
        Action: [
          "identitystore:CreateGroupMembership",
          "identitystore:DeleteGroupMembership",
          "identitystore:GetGroupMembershipId",
          "identitystore:GetUserId",
          "identitystore:ListGroupMemberships",
          "identitystore:ListGroups",
          "identitystore:ListUsers",
        ],
        Resource: "*",
      },
      {
        // In the management account Identity Center creates a set's role and its SAML provider with the caller's
        // own permissions (its service-linked role covers member accounts only), so a grant there needs these.
        Sid: "ManagementAccountAssignments",
        Effect: "Allow",
        Action: [
          "iam:AttachRolePolicy",
          "iam:CreateRole",
          "iam:CreateSAMLProvider",
          "iam:DeleteRole",
          "iam:DeleteRolePermissionsBoundary",
          "iam:DeleteRolePolicy",
          "iam:DeleteSAMLProvider",
          "iam:DetachRolePolicy",
          "iam:GetRole",
          "iam:GetSAMLProvider",
          "iam:ListAttachedRolePolicies",
          "iam:ListRolePolicies",
          "iam:PutRolePermissionsBoundary",
          "iam:PutRolePolicy",
          "iam:UpdateAssumeRolePolicy",
          "iam:UpdateRole",
          "iam:UpdateRoleDescription",
          "iam:UpdateSAMLProvider",
        ],
        Resource: [`arn:${input.partition}:iam::${managementAccount}:role/aws-reserved/sso.amazonaws.com/*`, `arn:${input.partition}:iam::${managementAccount}:saml-provider/AWSSSO_*`],
      },
      { Sid: "AssumeSubAccountRole", Effect: "Allow", Action: "sts:AssumeRole", Resource: assumable.length === 1 ? assumable[0]! : assumable },
    ],
  };
}

/** Who the sub-account roles trust: the management role when one is assumed, else the management account. */
function subAccountPrincipal(input: TSetupInput): string {
  if (input.authMethod === "ASSUME_ROLE" && input.rootRoleArn) return input.rootRoleArn;
  return `arn:${input.partition}:iam::${input.managementAccountId ?? MANAGEMENT_PLACEHOLDER}:root`;
}

/** Trust policy of the sub-account role: only the management side, only with the external id. */
export function buildSubAccountTrustPolicy(input: TSetupInput): TPolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "JitPortalDiscovery",
        Effect: "Allow",
        Principal: { AWS: subAccountPrincipal(input) },
        Action: "sts:AssumeRole",
        ...(input.subAccountExternalId ? { Condition: { StringEquals: { "sts:ExternalId": input.subAccountExternalId } } } : {}),
      },
    ],
  };
}

/** Read-only permissions of the sub-account role, for the enabled resource types only. */
export function buildSubAccountPolicy(input: TSetupInput): TPolicyDocument {
  const actions = [...new Set(typesOrAll(input.resourceTypes).flatMap((t) => READ_ACTIONS[t]))].sort();
  return { Version: "2012-10-17", Statement: [{ Sid: "JitPortalDiscoveryRead", Effect: "Allow", Action: actions, Resource: "*" }] };
}

/** Trust policy for the management role (ASSUME_ROLE): the server's own identity, with the external id. */
export function buildManagementTrustPolicy(input: TSetupInput): TPolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "JitPortalServer",
        Effect: "Allow",
        Principal: { AWS: "<ARN of the portal server's role, e.g. its pod identity or instance profile role>" },
        Action: "sts:AssumeRole",
        ...(input.rootExternalId ? { Condition: { StringEquals: { "sts:ExternalId": input.rootExternalId } } } : {}),
      },
    ],
  };
}

function yamlString(v: string): string {
  return `'${v.replace(/'/g, "''")}'`;
}

function yamlList(items: readonly string[], indent: string): string {
  return items.map((i) => `${indent}- ${yamlString(i)}`).join("\n");
}

/**
 * A CloudFormation template (YAML) that creates the sub-account role; deploy it to every member
 * account with a service-managed StackSet (which skips the management account, as the "*" entry does).
 */
export function buildSubAccountCloudFormation(input: TSetupInput): string {
  const trust = buildSubAccountTrustPolicy(input).Statement[0]!;
  const actions = buildSubAccountPolicy(input).Statement[0]!.Action as string[];
  return [
    "AWSTemplateFormatVersion: '2010-09-09'",
    "Description: Read-only role the JIT access portal assumes to discover resources in this account.",
    "Parameters:",
    "  RoleName:",
    "    Type: String",
    `    Default: ${yamlString(roleNameOf(input.subAccountRoleArn))}`,
    "  TrustedPrincipalArn:",
    "    Type: String",
    `    Default: ${yamlString(trust.Principal!.AWS)}`,
    "  ExternalId:",
    "    Type: String",
    "    NoEcho: true",
    `    Default: ${yamlString(input.subAccountExternalId ?? "")}`,
    "Conditions:",
    "  HasExternalId: !Not [!Equals [!Ref ExternalId, '']]",
    "Resources:",
    "  JitPortalAccessRole:",
    "    Type: AWS::IAM::Role",
    "    Properties:",
    "      RoleName: !Ref RoleName",
    `      Path: ${yamlString(rolePathOf(input.subAccountRoleArn))}`,
    "      MaxSessionDuration: 3600",
    "      Tags:",
    "        - Key: managed-by",
    "          Value: jit-access-portal",
    "      AssumeRolePolicyDocument:",
    "        Version: '2012-10-17'",
    "        Statement:",
    "          - Sid: JitPortalDiscovery",
    "            Effect: Allow",
    "            Principal:",
    "              AWS: !Ref TrustedPrincipalArn",
    "            Action: 'sts:AssumeRole'",
    "            Condition: !If",
    "              - HasExternalId",
    "              - StringEquals:",
    "                  'sts:ExternalId': !Ref ExternalId",
    "              - !Ref AWS::NoValue",
    "      Policies:",
    "        - PolicyName: jit-portal-discovery-read",
    "          PolicyDocument:",
    "            Version: '2012-10-17'",
    "            Statement:",
    "              - Sid: JitPortalDiscoveryRead",
    "                Effect: Allow",
    "                Action:",
    yamlList(actions, "                  "),
    "                Resource: '*'",
    "Outputs:",
    "  RoleArn:",
    "    Value: !GetAtt JitPortalAccessRole.Arn",
    "",
  ].join("\n");
}

/** Everything the Setup helper shows, as text ready to copy or download. */
export function buildSetupDocuments(input: TSetupInput): { id: string; title: string; filename: string; body: string }[] {
  const json = (d: unknown) => `${JSON.stringify(d, null, 2)}\n`;
  const docs = [
    { id: "management-policy", title: "Management account: IAM policy for the portal's credentials", filename: "jit-portal-management-policy.json", body: json(buildManagementPolicy(input)) },
    ...(input.authMethod === "ASSUME_ROLE" ? [{ id: "management-trust", title: "Management account: trust policy of the portal's role", filename: "jit-portal-management-trust-policy.json", body: json(buildManagementTrustPolicy(input)) }] : []),
    { id: "sub-trust", title: `Every sub-account: trust policy of ${roleNameOf(input.subAccountRoleArn)}`, filename: "jit-portal-access-trust-policy.json", body: json(buildSubAccountTrustPolicy(input)) },
    ...(input.otherEntries ?? [])
      .filter((e) => e.roleArn !== input.subAccountRoleArn || e.externalId !== input.subAccountExternalId)
      .map((e) => ({
        id: `sub-trust-${e.accountId}`,
        title: `${e.accountId === "*" ? "Every sub-account" : `Account ${e.accountId}`}: trust policy of ${roleNameOf(e.roleArn)}`,
        filename: `${roleNameOf(e.roleArn)}-${e.accountId === "*" ? "all" : e.accountId}-trust-policy.json`,
        body: json(buildSubAccountTrustPolicy({ ...input, subAccountRoleArn: e.roleArn, subAccountExternalId: e.externalId })),
      })),
    { id: "sub-policy", title: `Every sub-account: permissions of ${roleNameOf(input.subAccountRoleArn)}`, filename: "jit-portal-access-policy.json", body: json(buildSubAccountPolicy(input)) },
    { id: "cloudformation", title: "CloudFormation template for a StackSet (creates the sub-account role)", filename: "jit-portal-access-role.yaml", body: buildSubAccountCloudFormation(input) },
  ];
  return docs;
}

/**
 * The types the sub-account role must be able to read: every enabled entry's effective types (an entry
 * without a list means every type the global list allows). Empty means every type.
 */
export function setupResourceTypes(global: readonly TResourceTypeName[], entries: readonly { enabled?: boolean; resource_types?: TResourceTypeName[] }[]): TResourceTypeName[] {
  const enabled = entries.filter((e) => e.enabled !== false);
  if (enabled.length === 0) return [...global];
  return [...new Set(enabled.flatMap((e) => effectiveResourceTypes(global, e.resource_types)))];
}
