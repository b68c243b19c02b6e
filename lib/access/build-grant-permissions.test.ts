import { describe, expect, it } from "vitest";

import { AccessError } from "./access-error";
import { listAccessLevels } from "./access-levels";
import { buildGrantPermissions, toPermissionSetDescription, type TGrantPermissions } from "./build-grant-permissions";
import { TARGET_TYPES } from "./target-types";

const BUCKET = "arn:aws:s3:::acme-data";
const INSTANCE = "arn:aws:ec2:eu-west-1:111122223333:instance/i-0123456789abcdef0";
const SECRET = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-AbC123";
const ROLE = "arn:aws:iam::111122223333:role/ops/Deployer";
const POLICY = "arn:aws:iam::111122223333:policy/team/BillingRead";
const PERMISSION_SET = "arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-1234567890abcdef";

/** Pins the exact minified text, which is what Identity Center stores and what the limits count. */
function expectInline(result: TGrantPermissions, document: unknown, description: string): void {
  expect(result).toEqual({
    grantKind: "TEMP_PERMISSION_SET",
    inlinePolicy: JSON.stringify(document),
    customerManagedPolicies: [],
    description,
  });
}

const s3ReadStatements = [
  {
    Sid: "ListBucket",
    Effect: "Allow",
    Action: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketVersions"],
    Resource: "arn:aws:s3:::acme-data",
  },
  {
    Sid: "ReadObjects",
    Effect: "Allow",
    Action: ["s3:GetObject", "s3:GetObjectTagging", "s3:GetObjectVersion", "s3:GetObjectVersionTagging"],
    Resource: "arn:aws:s3:::acme-data/*",
  },
];

const describeInEuWest1 = {
  Sid: "DescribeInstances",
  Effect: "Allow",
  Action: ["ec2:DescribeInstanceStatus", "ec2:DescribeInstances"],
  Resource: "*",
  Condition: { StringEquals: { "aws:RequestedRegion": "eu-west-1" } },
};

describe("buildGrantPermissions: pinned documents", () => {
  it("S3 read", () => {
    expectInline(
      buildGrantPermissions({ type: "S3_BUCKET", arn: BUCKET }, "read"),
      { Version: "2012-10-17", Statement: s3ReadStatements },
      "JIT read access to S3 bucket acme-data",
    );
  });

  it("S3 read-write", () => {
    expectInline(
      buildGrantPermissions({ type: "S3_BUCKET", arn: BUCKET }, "read-write"),
      {
        Version: "2012-10-17",
        Statement: [
          ...s3ReadStatements,
          {
            Sid: "ListMultipartUploads",
            Effect: "Allow",
            Action: ["s3:ListBucketMultipartUploads"],
            Resource: "arn:aws:s3:::acme-data",
          },
          {
            Sid: "WriteObjects",
            Effect: "Allow",
            Action: [
              "s3:AbortMultipartUpload",
              "s3:DeleteObject",
              "s3:ListMultipartUploadParts",
              "s3:PutObject",
              "s3:PutObjectTagging",
            ],
            Resource: "arn:aws:s3:::acme-data/*",
          },
        ],
      },
      "JIT read and write access to S3 bucket acme-data",
    );
  });

  it("S3 in aws-cn keeps the partition", () => {
    const result = buildGrantPermissions({ type: "S3_BUCKET", arn: "arn:aws-cn:s3:::acme-data" }, "read");
    expect(result.grantKind === "TEMP_PERMISSION_SET" && result.inlinePolicy).toContain('"arn:aws-cn:s3:::acme-data/*"');
    expect(result.grantKind === "TEMP_PERMISSION_SET" && result.inlinePolicy).not.toContain("arn:aws:");
  });

  it("EC2 connect", () => {
    expectInline(
      buildGrantPermissions({ type: "EC2_INSTANCE", arn: INSTANCE, name: "web-1", awsAccountId: "111122223333" }, "connect"),
      {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "StartSessionOnInstance",
            Effect: "Allow",
            Action: ["ssm:StartSession"],
            Resource: [
              "arn:aws:ec2:eu-west-1:111122223333:instance/i-0123456789abcdef0",
              "arn:aws:ssm:eu-west-1::document/AWS-StartInteractiveCommand",
              "arn:aws:ssm:eu-west-1::document/AWS-StartSSHSession",
              "arn:aws:ssm:eu-west-1:111122223333:document/SSM-SessionManagerRunShell",
            ],
          },
          {
            Sid: "ManageOwnSessions",
            Effect: "Allow",
            Action: ["ssm:ResumeSession", "ssm:TerminateSession"],
            Resource: "arn:aws:ssm:eu-west-1:111122223333:session/*",
            Condition: { StringEquals: { "ssm:resourceTag/aws:ssmmessages:session-id": "${aws:userid}" } },
          },
          {
            Sid: "DescribeForSessionManager",
            Effect: "Allow",
            Action: [
              "ec2:DescribeInstances",
              "ssm:DescribeInstanceProperties",
              "ssm:DescribeSessions",
              "ssm:GetConnectionStatus",
            ],
            Resource: "*",
            Condition: { StringEquals: { "aws:RequestedRegion": "eu-west-1" } },
          },
        ],
      },
      "JIT connect (session manager) access to EC2 instance i-0123456789abcdef0 (web-1) in 111122223333/eu-west-1",
    );
  });

  it("EC2 operate", () => {
    expectInline(
      buildGrantPermissions({ type: "EC2_INSTANCE", arn: INSTANCE }, "operate"),
      {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "OperateInstance",
            Effect: "Allow",
            Action: ["ec2:RebootInstances", "ec2:StartInstances", "ec2:StopInstances"],
            Resource: "arn:aws:ec2:eu-west-1:111122223333:instance/i-0123456789abcdef0",
          },
          describeInEuWest1,
        ],
      },
      "JIT start / stop / reboot access to EC2 instance i-0123456789abcdef0 in 111122223333/eu-west-1",
    );
  });

  it("EC2 read", () => {
    expectInline(
      buildGrantPermissions({ type: "EC2_INSTANCE", arn: INSTANCE }, "read"),
      {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "ReadInstanceConsole",
            Effect: "Allow",
            Action: ["ec2:GetConsoleOutput", "ec2:GetConsoleScreenshot"],
            Resource: "arn:aws:ec2:eu-west-1:111122223333:instance/i-0123456789abcdef0",
          },
          describeInEuWest1,
        ],
      },
      "JIT inspect access to EC2 instance i-0123456789abcdef0 in 111122223333/eu-west-1",
    );
  });

  it("a secret in China: its partition's ARNs and endpoint suffix in the KMS condition", () => {
    const china = "arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:prod/db-AbC123";
    const grant = buildGrantPermissions({ type: "SECRET", arn: china }, "read-value");
    const doc = JSON.parse(grant.grantKind === "TEMP_PERMISSION_SET" ? (grant.inlinePolicy ?? "{}") : "{}") as { Statement: unknown[] };
    expect(doc.Statement[1]).toMatchObject({
      Resource: "arn:aws-cn:kms:cn-north-1:*:key/*",
      Condition: { StringEquals: { "kms:ViaService": "secretsmanager.cn-north-1.amazonaws.com.cn" } },
    });
  });

  it("secret read-value", () => {
    expectInline(
      buildGrantPermissions({ type: "SECRET", arn: SECRET }, "read-value"),
      {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "ReadSecretValue",
            Effect: "Allow",
            Action: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
            Resource: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-AbC123",
          },
          {
            Sid: "DecryptSecretViaSecretsManager",
            Effect: "Allow",
            Action: ["kms:Decrypt"],
            Resource: "arn:aws:kms:eu-west-1:*:key/*",
            Condition: {
              StringEquals: {
                "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com",
                "kms:EncryptionContext:SecretARN": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-AbC123",
              },
            },
          },
        ],
      },
      "JIT read value access to secret prod/db-AbC123 in 111122223333/eu-west-1",
    );
  });

  it("IAM role assume", () => {
    expectInline(
      buildGrantPermissions({ type: "IAM_ROLE", arn: ROLE }, "assume"),
      {
        Version: "2012-10-17",
        Statement: [
          { Sid: "AssumeRole", Effect: "Allow", Action: ["sts:AssumeRole"], Resource: "arn:aws:iam::111122223333:role/ops/Deployer" },
          { Sid: "ReadRole", Effect: "Allow", Action: ["iam:GetRole"], Resource: "arn:aws:iam::111122223333:role/ops/Deployer" },
        ],
      },
      "JIT assume role access to IAM role Deployer in 111122223333",
    );
  });

  it("IAM policy attach is a customer-managed reference, not an inline policy", () => {
    expect(buildGrantPermissions({ type: "IAM_POLICY", arn: POLICY, awsAccountId: "111122223333" }, "attach")).toEqual({
      grantKind: "TEMP_PERMISSION_SET",
      customerManagedPolicies: [{ kind: "customer-managed-reference", name: "BillingRead", path: "/team/" }],
      description: "JIT use policy access to IAM policy /team/BillingRead in 111122223333",
    });
  });

  it("permission set assign and group member carry no document", () => {
    expect(buildGrantPermissions({ type: "PERMISSION_SET", permissionSetArn: PERMISSION_SET, name: "ReadOnly" }, "assign")).toEqual({
      grantKind: "PERMISSION_SET_ASSIGNMENT",
      permissionSetArn: PERMISSION_SET,
      description: "JIT assign access to permission set ReadOnly",
    });
    expect(buildGrantPermissions({ type: "GROUP", groupId: "grp_1", displayName: "On-call" }, "member")).toEqual({
      grantKind: "GROUP_MEMBERSHIP",
      groupId: "grp_1",
      description: "JIT membership of group On-call",
    });
  });
});

describe("buildGrantPermissions: refusals", () => {
  function codeOf(fn: () => unknown): string | undefined {
    try {
      fn();
    } catch (error) {
      return error instanceof AccessError ? error.code : "NOT_ACCESS_ERROR";
    }
    return undefined;
  }

  it("refuses ARNs of the wrong service or shape for the type", () => {
    expect(codeOf(() => buildGrantPermissions({ type: "S3_BUCKET", arn: INSTANCE }, "read"))).toBe("INVALID_ARN");
    expect(codeOf(() => buildGrantPermissions({ type: "EC2_INSTANCE", arn: "arn:aws:ec2:eu-west-1:111122223333:instance/*" }, "read"))).toBe("INVALID_ARN");
    expect(codeOf(() => buildGrantPermissions({ type: "SECRET", arn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:x" }, "read-value"))).toBe("INVALID_ARN");
    expect(codeOf(() => buildGrantPermissions({ type: "IAM_ROLE", arn: POLICY }, "assume"))).toBe("INVALID_ARN");
    expect(codeOf(() => buildGrantPermissions({ type: "IAM_POLICY", arn: "arn:aws:iam::aws:policy/AdministratorAccess" }, "attach"))).toBe("INVALID_ARN");
    expect(codeOf(() => buildGrantPermissions({ type: "PERMISSION_SET", permissionSetArn: "ps-1", name: "x" }, "assign"))).toBe("INVALID_ARN");
  });

  it("refuses an ARN whose account differs from the recorded account", () => {
    expect(codeOf(() => buildGrantPermissions({ type: "EC2_INSTANCE", arn: INSTANCE, awsAccountId: "999999999999" }, "read"))).toBe(
      "INVALID_TARGET",
    );
    expect(codeOf(() => buildGrantPermissions({ type: "SECRET", arn: SECRET, awsAccountId: "999999999999" }, "read-value"))).toBe(
      "INVALID_TARGET",
    );
  });

  it("refuses a level the type does not have", () => {
    expect(codeOf(() => buildGrantPermissions({ type: "S3_BUCKET", arn: BUCKET }, "admin"))).toBe("UNKNOWN_ACCESS_LEVEL");
    expect(codeOf(() => buildGrantPermissions({ type: "SECRET", arn: SECRET }, "read"))).toBe("UNKNOWN_ACCESS_LEVEL");
    expect(codeOf(() => buildGrantPermissions({ type: "GROUP", groupId: "g", displayName: "g" }, "assign"))).toBe("UNKNOWN_ACCESS_LEVEL");
  });

  it("builds every catalogued level of every type (catalog and builder agree)", () => {
    const targets = {
      S3_BUCKET: { type: "S3_BUCKET", arn: BUCKET },
      EC2_INSTANCE: { type: "EC2_INSTANCE", arn: INSTANCE },
      SECRET: { type: "SECRET", arn: SECRET },
      IAM_ROLE: { type: "IAM_ROLE", arn: ROLE },
      IAM_POLICY: { type: "IAM_POLICY", arn: POLICY },
      PERMISSION_SET: { type: "PERMISSION_SET", permissionSetArn: PERMISSION_SET, name: "ReadOnly" },
      GROUP: { type: "GROUP", groupId: "grp_1", displayName: "On-call" },
    } as const;
    for (const type of TARGET_TYPES) {
      for (const level of listAccessLevels(type)) {
        const result = buildGrantPermissions(targets[type], level.id);
        if (result.grantKind === "TEMP_PERMISSION_SET" && result.inlinePolicy) {
          // Only this resource's ARN (or "*" for Describe, or the SSM/KMS ARNs derived from it) appears.
          const resources = (JSON.parse(result.inlinePolicy) as { Statement: { Resource: string | string[] }[] }).Statement.flatMap(
            (s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]),
          );
          for (const resource of resources) {
            expect(resource === "*" || resource.includes("111122223333") || resource.includes("acme-data") || resource.includes(":kms:eu-west-1:*:key/*") || resource.includes("::document/AWS-"), `${type}/${level.id}: ${resource}`).toBe(true);
          }
        }
      }
    }
  });
});

describe("toPermissionSetDescription", () => {
  it("replaces characters CreatePermissionSet refuses and bounds the length", () => {
    expect(toPermissionSetDescription("JIT access to Ω bucket ✓")).toBe("JIT access to ? bucket ?");
    const long = toPermissionSetDescription("x".repeat(800));
    expect(long).toHaveLength(700);
    expect(long.endsWith("...")).toBe(true);
    expect(toPermissionSetDescription("   ")).toBe("JIT access");
  });
});
