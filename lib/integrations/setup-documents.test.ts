import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildManagementPolicy, buildSetupDocuments, setupResourceTypes, buildSubAccountCloudFormation, buildSubAccountPolicy, buildSubAccountTrustPolicy, type TSetupInput } from "./setup-documents.ts";

const input: TSetupInput = {
  partition: "aws",
  managementAccountId: "111111111111",
  authMethod: "ACCESS_KEY",
  rootRoleArn: null,
  rootExternalId: null,
  subAccountRoleArn: "arn:aws:iam::*:role/jit-portal-access",
  subAccountExternalId: "jit-demo-external-id",
  resourceTypes: ["S3_BUCKET", "EC2_INSTANCE"],
  instanceArn: "arn:aws:sso:::instance/ssoins-7223aa11bb22cc33",
  tempPermissionSetPrefix: "jit-",
};

describe("setup documents", () => {
  it("trust policy: the management account, only with the external id", () => {
    expect(buildSubAccountTrustPolicy(input)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "JitPortalDiscovery",
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::111111111111:root" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "sts:ExternalId": "jit-demo-external-id" } },
        },
      ],
    });
    const viaRole = buildSubAccountTrustPolicy({ ...input, authMethod: "ASSUME_ROLE", rootRoleArn: "arn:aws:iam::111111111111:role/jit-mgmt" });
    expect(viaRole.Statement[0]?.Principal).toEqual({ AWS: "arn:aws:iam::111111111111:role/jit-mgmt" });
  });

  it("sub-account permissions: only what the chosen resource types need", () => {
    expect(buildSubAccountPolicy(input)).toEqual({
      Version: "2012-10-17",
      Statement: [{ Sid: "JitPortalDiscoveryRead", Effect: "Allow", Action: ["ec2:DescribeInstances", "ec2:DescribeRegions", "s3:GetBucketTagging", "s3:ListAllMyBuckets"], Resource: "*" }],
    });
    const all = buildSubAccountPolicy({ ...input, resourceTypes: [] }).Statement[0]?.Action;
    expect(all).toEqual(expect.arrayContaining(["iam:ListRoles", "iam:ListRoleTags", "iam:ListPolicies", "iam:ListPolicyTags", "secretsmanager:ListSecrets", "s3:GetBucketTagging"]));
  });

  it("sub-account types: every enabled entry's effective types, an entry without a list meaning all", () => {
    // A wildcard entry with no list needs every type even if an explicit entry narrows its account to S3.
    expect(new Set(setupResourceTypes([], [{}, { resource_types: ["S3_BUCKET"] }]))).toEqual(new Set(["IAM_ROLE", "IAM_POLICY", "S3_BUCKET", "EC2_INSTANCE", "SECRET"]));
    expect(setupResourceTypes([], [{ resource_types: ["S3_BUCKET"] }, { resource_types: ["SECRET"], enabled: false }])).toEqual(["S3_BUCKET"]);
    expect(new Set(setupResourceTypes(["S3_BUCKET", "SECRET"], [{}, { resource_types: ["SECRET", "IAM_ROLE"] }]))).toEqual(new Set(["S3_BUCKET", "SECRET"]));
    expect(setupResourceTypes(["EC2_INSTANCE"], [])).toEqual(["EC2_INSTANCE"]);
  });

  it("management policy: discovery reads, the worker's grant operations and the sub-account role", () => {
    const doc = buildManagementPolicy(input);
    expect(doc.Statement.map((s) => s.Sid)).toEqual(["OrganizationsRead", "IdentityCenterRead", "IdentityCenterGrants", "IdentityStore", "ManagementAccountAssignments", "AssumeSubAccountRole"]);
    const actions = doc.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    for (const a of ["organizations:ListAccountsForParent", "organizations:ListRoots", "sso:ListAccountsForProvisionedPermissionSet", "sso:CreatePermissionSet", "sso:DeletePermissionSet", "sso:PutInlinePolicyToPermissionSet", "sso:AttachCustomerManagedPolicyReferenceToPermissionSet", "sso:ProvisionPermissionSet", "sso:CreateAccountAssignment", "sso:DeleteAccountAssignment", "sso:DescribeAccountAssignmentCreationStatus", "identitystore:CreateGroupMembership", "identitystore:DeleteGroupMembership", "identitystore:ListUsers"]) {
      expect(actions).toContain(a);
    }
    expect(doc.Statement[2]?.Resource).toEqual(["arn:aws:sso:::instance/ssoins-7223aa11bb22cc33", "arn:aws:sso:::permissionSet/ssoins-7223aa11bb22cc33/*", "arn:aws:sso:::account/*"]);
    expect(doc.Statement[5]).toEqual({ Sid: "AssumeSubAccountRole", Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::*:role/jit-portal-access" });
  });

  it("lets Identity Center create a set's role and SAML provider in the management account, and only there", () => {
    const st = buildManagementPolicy(input).Statement.find((s) => s.Sid === "ManagementAccountAssignments")!;
    expect(st.Action).toEqual(expect.arrayContaining(["iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:DeleteRole", "iam:CreateSAMLProvider", "iam:GetSAMLProvider"]));
    expect(st.Resource).toEqual(["arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/*", "arn:aws:iam::111111111111:saml-provider/AWSSSO_*"]);
    const gov = buildManagementPolicy({ ...input, partition: "aws-us-gov" }).Statement.find((s) => s.Sid === "ManagementAccountAssignments")!;
    expect(gov.Resource).toEqual(["arn:aws-us-gov:iam::111111111111:role/aws-reserved/sso.amazonaws.com/*", "arn:aws-us-gov:iam::111111111111:saml-provider/AWSSSO_*"]);
  });

  it("CloudFormation template creates the role with the same trust and permissions", () => {
    expect(buildSubAccountCloudFormation(input)).toBe(`AWSTemplateFormatVersion: '2010-09-09'
Description: Read-only role the JIT access portal assumes to discover resources in this account.
Parameters:
  RoleName:
    Type: String
    Default: 'jit-portal-access'
  TrustedPrincipalArn:
    Type: String
    Default: 'arn:aws:iam::111111111111:root'
  ExternalId:
    Type: String
    NoEcho: true
    Default: 'jit-demo-external-id'
Conditions:
  HasExternalId: !Not [!Equals [!Ref ExternalId, '']]
Resources:
  JitPortalAccessRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Ref RoleName
      Path: '/'
      MaxSessionDuration: 3600
      Tags:
        - Key: managed-by
          Value: jit-access-portal
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Sid: JitPortalDiscovery
            Effect: Allow
            Principal:
              AWS: !Ref TrustedPrincipalArn
            Action: 'sts:AssumeRole'
            Condition: !If
              - HasExternalId
              - StringEquals:
                  'sts:ExternalId': !Ref ExternalId
              - !Ref AWS::NoValue
      Policies:
        - PolicyName: jit-portal-discovery-read
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Sid: JitPortalDiscoveryRead
                Effect: Allow
                Action:
                  - 'ec2:DescribeInstances'
                  - 'ec2:DescribeRegions'
                  - 's3:GetBucketTagging'
                  - 's3:ListAllMyBuckets'
                Resource: '*'
Outputs:
  RoleArn:
    Value: !GetAtt JitPortalAccessRole.Arn
`);
  });

  it("grants exactly the AWS actions the code calls, no more and no fewer", () => {
    // Every `new XCommand(` in lib/aws, by the SDK client it is imported from, as an IAM action.
    const prefix: Record<string, string> = { organizations: "organizations", "sso-admin": "sso", identitystore: "identitystore", sts: "sts", iam: "iam", s3: "s3", ec2: "ec2", "secrets-manager": "secretsmanager" };
    const rename: Record<string, string> = { "s3:ListBuckets": "s3:ListAllMyBuckets" };
    const called = new Set<string>();
    const dir = join(process.cwd(), "lib/aws");
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.includes(".test."))) {
      const source = readFileSync(join(dir, file), "utf8");
      for (const m of source.matchAll(/import \{([^}]+)\} from "@aws-sdk\/client-([a-z0-9-]+)"/g)) {
        for (const name of m[1]!.split(",").map((n) => n.trim().replace(/^type /, ""))) {
          if (name.endsWith("Command") && source.includes(`new ${name}(`)) {
            const action = `${prefix[m[2]!]}:${name.slice(0, -"Command".length)}`;
            called.add(rename[action] ?? action);
          }
        }
      }
    }
    called.delete("sts:GetCallerIdentity"); // needs no permission
    const all = { ...input, resourceTypes: [] as const };
    // Identity Center's own calls in the management account, made with the portal's permissions: not in lib/aws.
    const portalCalls = buildManagementPolicy(all).Statement.filter((st) => st.Sid !== "ManagementAccountAssignments");
    const granted = new Set([...portalCalls, ...buildSubAccountPolicy(all).Statement].flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action])));
    granted.delete("sso:ProvisionPermissionSet"); // kept on purpose: see setup-documents.ts
    expect([...granted].sort()).toEqual([...called].sort());
  });

  it("lets the management side assume every entry's role, with its path; the template creates the role under that path", () => {
    const doc = buildManagementPolicy({ ...input, subAccountRoleArn: "arn:aws:iam::*:role/portal/jit-portal-access", otherEntries: [{ accountId: "222222222222", roleArn: "arn:aws:iam::222222222222:role/other-role", externalId: null }] });
    expect(doc.Statement[5]?.Resource).toEqual(["arn:aws:iam::*:role/portal/jit-portal-access", "arn:aws:iam::222222222222:role/other-role"]);
    expect(buildSubAccountCloudFormation({ ...input, subAccountRoleArn: "arn:aws:iam::*:role/portal/jit-portal-access" })).toContain("      Path: '/portal/'\n");
  });

  it("gives an entry with its own role or external id its own trust policy", () => {
    const docs = buildSetupDocuments({
      ...input,
      otherEntries: [
        { accountId: "222222222222", roleArn: "arn:aws:iam::222222222222:role/other-role", externalId: "other-ext-id" },
        { accountId: "333333333333", roleArn: input.subAccountRoleArn, externalId: input.subAccountExternalId },
      ],
    });
    const own = docs.filter((d) => d.id.startsWith("sub-trust-"));
    expect(own.map((d) => d.title)).toEqual(["Account 222222222222: trust policy of other-role"]);
    expect(JSON.parse(own[0]!.body).Statement[0].Condition).toEqual({ StringEquals: { "sts:ExternalId": "other-ext-id" } });
  });

  it("lists the documents with file names, adding the management trust policy only for a role", () => {
    expect(buildSetupDocuments(input).map((d) => d.filename)).toEqual(["jit-portal-management-policy.json", "jit-portal-access-trust-policy.json", "jit-portal-access-policy.json", "jit-portal-access-role.yaml"]);
    expect(buildSetupDocuments({ ...input, authMethod: "ASSUME_ROLE", rootRoleArn: "arn:aws:iam::111111111111:role/m", rootExternalId: "e1" }).map((d) => d.id)).toContain("management-trust");
  });

  it("writes every ARN in the integration's partition (GovCloud here)", () => {
    const gov: TSetupInput = {
      ...input,
      partition: "aws-us-gov",
      instanceArn: "arn:aws-us-gov:sso:::instance/ssoins-7223aa11bb22cc33",
      subAccountRoleArn: "arn:aws-us-gov:iam::*:role/jit-portal-access",
    };
    const all = buildSetupDocuments(gov).map((d) => d.body).join("\n");
    expect(all).toContain("arn:aws-us-gov:sso:::permissionSet/ssoins-7223aa11bb22cc33/*");
    expect(all).toContain("arn:aws-us-gov:sso:::account/*");
    expect(all).toContain("arn:aws-us-gov:iam::111111111111:root");
    expect(all).not.toMatch(/arn:aws:/);
  });
});
