import { AccessError } from "./access-error";
import { describeAccessLevel } from "./access-levels";
import { serializePolicyDocument, type TPolicyDocument, type TPolicyStatement } from "./iam-policy-document";
import {
  parseEc2InstanceArn,
  parseIamPolicyArn,
  parseIamRoleArn,
  parsePermissionSetArn,
  parseS3BucketArn,
  parseSecretArn,
  type TPartition,
} from "./parse-arn";
import type { TResourceType } from "./target-types";
import { dnsSuffix } from "../aws/partition.ts";

/**
 * Turns (target, access level) into what the grant carries in AWS. Pure: the ARNs come from discovery
 * and are re-validated here, because the generated document is only as narrow as the ARN it is built from.
 * Assumes the caller already decided the requester may have this level (evaluatePolicies).
 */

export type TGrantTarget =
  | {
      type: TResourceType;
      arn: string;
      /** Display name; the ARN's own name is used when absent. */
      name?: string;
      /** The account discovery found the resource in; must agree with the ARN where the ARN has one. */
      awsAccountId?: string;
    }
  | { type: "PERMISSION_SET"; permissionSetArn: string; name: string }
  | { type: "GROUP"; groupId: string; displayName: string };

export type TCustomerManagedPolicyReference = { kind: "customer-managed-reference"; name: string; path: string };

/** Maps onto the Prisma `GrantKind` the worker provisions. */
export type TGrantPermissions =
  | {
      grantKind: "TEMP_PERMISSION_SET";
      /** Minified JSON for PutInlinePolicyToPermissionSet; absent when the grant is a policy reference. */
      inlinePolicy?: string;
      /** For AttachCustomerManagedPolicyReferenceToPermissionSet; the policy must exist in the target account. */
      customerManagedPolicies: TCustomerManagedPolicyReference[];
      /** Fits the permission set Description (1–700 chars, Latin-1 printable). */
      description: string;
    }
  | { grantKind: "PERMISSION_SET_ASSIGNMENT"; permissionSetArn: string; description: string }
  | { grantKind: "GROUP_MEMBERSHIP"; groupId: string; description: string };

const DESCRIPTION_MAX = 700;

/** Keeps a description within what CreatePermissionSet accepts: 1–700 chars of [\t\n\r\x20-\x7E\xA1-\xFF]. */
export function toPermissionSetDescription(text: string): string {
  const cleaned = text.replace(/[^\t\n\r\x20-\x7e\xa1-\xff]/g, "?").trim();
  const bounded = cleaned.length > DESCRIPTION_MAX ? `${cleaned.slice(0, DESCRIPTION_MAX - 3)}...` : cleaned;
  return bounded === "" ? "JIT access" : bounded;
}

function describe(levelLabel: string, what: string): string {
  return toPermissionSetDescription(`JIT ${levelLabel.toLowerCase()} access to ${what}`);
}

function checkAccount(target: { arn: string; awsAccountId?: string }, arnAccountId: string): void {
  if (target.awsAccountId !== undefined && target.awsAccountId !== arnAccountId) {
    throw new AccessError("INVALID_TARGET", {
      message: `ARN ${target.arn} is in account ${arnAccountId}, but the resource is recorded in ${target.awsAccountId}`,
      userMessage: "The resource's account does not match its ARN.",
    });
  }
}

function unknownLevel(type: string, level: string): AccessError {
  return new AccessError("UNKNOWN_ACCESS_LEVEL", {
    message: `No policy builder for ${type}/${level}`,
    userMessage: `"${level}" is not an access level for this resource.`,
  });
}

function inline(statements: TPolicyStatement[], description: string): TGrantPermissions {
  const document: TPolicyDocument = { Version: "2012-10-17", Statement: statements };
  return {
    grantKind: "TEMP_PERMISSION_SET",
    inlinePolicy: serializePolicyDocument(document),
    customerManagedPolicies: [],
    description,
  };
}

function s3Statements(partition: TPartition, bucket: string, level: string): TPolicyStatement[] {
  const bucketArn = `arn:${partition}:s3:::${bucket}`;
  const objectsArn = `${bucketArn}/*`;
  // s3:ListAllMyBuckets is deliberately absent: it needs "*" and reveals every bucket name in the
  // account. Console users open the bucket by its URL.
  const read: TPolicyStatement[] = [
    {
      Sid: "ListBucket",
      Effect: "Allow",
      Action: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketVersions"],
      Resource: bucketArn,
    },
    {
      Sid: "ReadObjects",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:GetObjectTagging", "s3:GetObjectVersion", "s3:GetObjectVersionTagging"],
      Resource: objectsArn,
    },
  ];
  if (level === "read") return read;
  if (level === "read-write") {
    // DeleteObjectVersion is left out: on a versioned bucket DeleteObject only adds a delete marker,
    // so a JIT writer cannot destroy history.
    return [
      ...read,
      { Sid: "ListMultipartUploads", Effect: "Allow", Action: ["s3:ListBucketMultipartUploads"], Resource: bucketArn },
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
        Resource: objectsArn,
      },
    ];
  }
  throw unknownLevel("S3_BUCKET", level);
}

function ec2Statements(
  instance: { partition: TPartition; region: string; accountId: string; arn: string },
  level: string,
): TPolicyStatement[] {
  const { partition, region, accountId, arn } = instance;
  // Describe* actions have no resource-level permissions, so AWS requires Resource "*"; ec2:ResourceTag
  // is not evaluated for them either. The only narrowing that works is the region the call is made in.
  const describeScope = { StringEquals: { "aws:RequestedRegion": region } };
  const describeInstances: TPolicyStatement = {
    Sid: "DescribeInstances",
    Effect: "Allow",
    Action: ["ec2:DescribeInstanceStatus", "ec2:DescribeInstances"],
    Resource: "*",
    Condition: describeScope,
  };
  if (level === "read") {
    return [
      {
        Sid: "ReadInstanceConsole",
        Effect: "Allow",
        Action: ["ec2:GetConsoleOutput", "ec2:GetConsoleScreenshot"],
        Resource: arn,
      },
      describeInstances,
    ];
  }
  if (level === "operate") {
    // Starting an instance whose EBS volumes use a customer-managed KMS key also needs kms:CreateGrant on
    // that key; the portal does not know the key, so such instances need a key policy that allows it.
    return [
      {
        Sid: "OperateInstance",
        Effect: "Allow",
        Action: ["ec2:RebootInstances", "ec2:StartInstances", "ec2:StopInstances"],
        Resource: arn,
      },
      describeInstances,
    ];
  }
  if (level === "connect") {
    return [
      {
        // As in AWS's Session Manager end-user examples: the instance plus the session documents allowed
        // on it. AWS-owned documents have no account in their ARN; SSM-SessionManagerRunShell is the
        // account's own preferences document.
        Sid: "StartSessionOnInstance",
        Effect: "Allow",
        Action: ["ssm:StartSession"],
        Resource: [
          arn,
          `arn:${partition}:ssm:${region}::document/AWS-StartInteractiveCommand`,
          `arn:${partition}:ssm:${region}::document/AWS-StartSSHSession`,
          `arn:${partition}:ssm:${region}:${accountId}:document/SSM-SessionManagerRunShell`,
        ],
      },
      {
        // Own sessions only. Identity Center users are assumed-role sessions: they have no aws:username,
        // and their session ids start with the role session name, not with aws:userid, so the
        // `session/${aws:userid}-*` resource form never matches them. AWS's example for federated users
        // matches the session-id tag Session Manager puts on each session against aws:userid instead.
        Sid: "ManageOwnSessions",
        Effect: "Allow",
        Action: ["ssm:ResumeSession", "ssm:TerminateSession"],
        Resource: `arn:${partition}:ssm:${region}:${accountId}:session/*`,
        Condition: { StringEquals: { "ssm:resourceTag/aws:ssmmessages:session-id": "${aws:userid}" } },
      },
      {
        // What the Session Manager and EC2 consoles call to list targets and sessions; none of these
        // support resource-level permissions (Resource "*" is required), so they are limited to the region.
        Sid: "DescribeForSessionManager",
        Effect: "Allow",
        Action: [
          "ec2:DescribeInstances",
          "ssm:DescribeInstanceProperties",
          "ssm:DescribeSessions",
          "ssm:GetConnectionStatus",
        ],
        Resource: "*",
        Condition: describeScope,
      },
    ];
  }
  throw unknownLevel("EC2_INSTANCE", level);
}

function secretStatements(
  secret: { partition: TPartition; region: string; arn: string },
  level: string,
): TPolicyStatement[] {
  if (level !== "read-value") throw unknownLevel("SECRET", level);
  return [
    {
      Sid: "ReadSecretValue",
      Effect: "Allow",
      Action: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
      Resource: secret.arn,
    },
    {
      // The key is unknown (it may be the AWS-managed aws/secretsmanager key or a customer key, possibly
      // in another account), so the resource is any key in the secret's region; the conditions make
      // Decrypt usable only by Secrets Manager on behalf of this caller, and only for this secret
      // (Secrets Manager puts the secret ARN in the encryption context).
      Sid: "DecryptSecretViaSecretsManager",
      Effect: "Allow",
      Action: ["kms:Decrypt"],
      Resource: `arn:${secret.partition}:kms:${secret.region}:*:key/*`,
      Condition: {
        StringEquals: {
          "kms:ViaService": `secretsmanager.${secret.region}.${dnsSuffix(secret.partition)}`,
          "kms:EncryptionContext:SecretARN": secret.arn,
        },
      },
    },
  ];
}

function roleStatements(roleArn: string, level: string): TPolicyStatement[] {
  if (level !== "assume") throw unknownLevel("IAM_ROLE", level);
  // The role's trust policy must also trust the account (or the AWSReservedSSO_ roles); assuming from a
  // permission set session is role chaining, so the resulting session lasts at most one hour.
  return [
    { Sid: "AssumeRole", Effect: "Allow", Action: ["sts:AssumeRole"], Resource: roleArn },
    { Sid: "ReadRole", Effect: "Allow", Action: ["iam:GetRole"], Resource: roleArn },
  ];
}

/**
 * What a grant of `level` on `target` carries. Throws `AccessError` for a malformed ARN
 * (`INVALID_ARN`), an ARN whose account disagrees with the recorded one (`INVALID_TARGET`), a level the
 * type does not have (`UNKNOWN_ACCESS_LEVEL`) or a document over Identity Center's limits (`POLICY_TOO_LARGE`).
 */
export function buildGrantPermissions(target: TGrantTarget, level: string): TGrantPermissions {
  const levelInfo = describeAccessLevel(target.type, level);
  switch (target.type) {
    case "S3_BUCKET": {
      const bucket = parseS3BucketArn(target.arn);
      return inline(
        s3Statements(bucket.partition, bucket.bucket, level),
        describe(levelInfo.label, `S3 bucket ${bucket.bucket}`),
      );
    }
    case "EC2_INSTANCE": {
      const instance = parseEc2InstanceArn(target.arn);
      checkAccount(target, instance.accountId);
      const name = target.name && target.name !== instance.instanceId ? ` (${target.name})` : "";
      return inline(
        ec2Statements(instance, level),
        describe(levelInfo.label, `EC2 instance ${instance.instanceId}${name} in ${instance.accountId}/${instance.region}`),
      );
    }
    case "SECRET": {
      const secret = parseSecretArn(target.arn);
      checkAccount(target, secret.accountId);
      return inline(
        secretStatements(secret, level),
        describe(levelInfo.label, `secret ${secret.secretId} in ${secret.accountId}/${secret.region}`),
      );
    }
    case "IAM_ROLE": {
      const role = parseIamRoleArn(target.arn);
      checkAccount(target, role.accountId);
      return inline(roleStatements(role.arn, level), describe(levelInfo.label, `IAM role ${role.name} in ${role.accountId}`));
    }
    case "IAM_POLICY": {
      const policy = parseIamPolicyArn(target.arn);
      checkAccount(target, policy.accountId);
      // Only one level exists, but keep the check so a new level cannot silently fall into this branch.
      if (level !== "attach") throw unknownLevel("IAM_POLICY", level);
      return {
        grantKind: "TEMP_PERMISSION_SET",
        customerManagedPolicies: [{ kind: "customer-managed-reference", name: policy.name, path: policy.path }],
        description: describe(levelInfo.label, `IAM policy ${policy.path}${policy.name} in ${policy.accountId}`),
      };
    }
    case "PERMISSION_SET": {
      const permissionSet = parsePermissionSetArn(target.permissionSetArn);
      if (level !== "assign") throw unknownLevel("PERMISSION_SET", level);
      return {
        grantKind: "PERMISSION_SET_ASSIGNMENT",
        permissionSetArn: permissionSet.arn,
        description: describe(levelInfo.label, `permission set ${target.name}`),
      };
    }
    case "GROUP": {
      if (level !== "member") throw unknownLevel("GROUP", level);
      if (target.groupId.trim() === "") {
        throw new AccessError("INVALID_TARGET", { message: "GROUP target without groupId", userMessage: "The group is missing." });
      }
      return {
        grantKind: "GROUP_MEMBERSHIP",
        groupId: target.groupId,
        description: toPermissionSetDescription(`JIT membership of group ${target.displayName}`),
      };
    }
  }
}
