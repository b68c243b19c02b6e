import { AccessError } from "./access-error";
import { isPartition, PARTITIONS, partitionOfRegion, type TPartition } from "../aws/partition.ts";

/**
 * ARN parsing for the targets the portal grants access to. Every policy document is built from these
 * parsed parts (never by pasting the raw string), so a malformed or hostile ARN (wildcards, a second
 * resource smuggled after a comma, a region that does not belong to the partition) is refused before it
 * can widen a grant.
 */

export { PARTITIONS, type TPartition };

export type TArn = {
  partition: TPartition;
  service: string;
  /** Empty for global services (IAM, S3 bucket ARNs, Identity Center). */
  region: string;
  /** Empty where the ARN has none (S3 buckets, Identity Center). */
  accountId: string;
  resource: string;
};

// ARNs are at most 2048 characters in every AWS API that accepts them.
const MAX_ARN_LENGTH = 2048;
const ACCOUNT_ID = /^\d{12}$/;
// `us-east-1`, `eu-central-2`, `cn-north-1`, `us-gov-west-1`, `ap-southeast-5`.
const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d{1,2}$/;
const SERVICE = /^[a-z0-9-]+$/;
// Printable ASCII without spaces: IAM paths and names, secret names, bucket names all fit in it, and it
// keeps whitespace, quotes-in-unicode and control characters out of policy documents.
const RESOURCE = /^[\x21-\x7e]+$/;

function invalid(arn: string, why: string): AccessError {
  return new AccessError("INVALID_ARN", {
    message: `Invalid ARN ${JSON.stringify(arn.slice(0, 200))}: ${why}`,
    // The detail (which may quote the input) is for operators; the browser gets a fixed sentence.
    userMessage: "The resource identifier is not a valid AWS ARN.",
  });
}

/** Splits and validates the generic `arn:partition:service:region:account:resource` shape. */
export function parseArn(arn: string): TArn {
  if (typeof arn !== "string" || arn.length === 0) throw invalid(String(arn), "empty");
  if (arn.length > MAX_ARN_LENGTH) throw invalid(arn, `longer than ${MAX_ARN_LENGTH} characters`);
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn") throw invalid(arn, "expected arn:partition:service:region:account:resource");
  const [, partition = "", service = "", region = "", accountId = ""] = parts;
  // The resource part may itself contain colons (secrets: `secret:name-AbCdEf`).
  const resource = parts.slice(5).join(":");
  if (!isPartition(partition)) throw invalid(arn, `unknown partition "${partition}"`);
  if (!SERVICE.test(service)) throw invalid(arn, "bad service");
  if (region !== "") {
    if (!REGION.test(region)) throw invalid(arn, `bad region "${region}"`);
    if (partitionOfRegion(region) !== partition) {
      throw invalid(arn, `region ${region} is not in partition ${partition}`);
    }
  }
  if (accountId !== "" && !ACCOUNT_ID.test(accountId)) throw invalid(arn, "the account id must be 12 digits");
  if (resource === "" || !RESOURCE.test(resource)) throw invalid(arn, "bad resource part");
  // A wildcard in a target ARN would turn a grant for one resource into a grant for many.
  if (resource.includes("*") || resource.includes("?")) throw invalid(arn, "wildcards are not allowed");
  // `${…}` would be read by IAM as a policy variable.
  if (resource.includes("${")) throw invalid(arn, "policy variables are not allowed");
  return { partition, service, region, accountId, resource };
}

function expectService(arn: string, parsed: TArn, service: string): void {
  if (parsed.service !== service) throw invalid(arn, `expected a ${service} ARN, got ${parsed.service}`);
}

function expectRegional(arn: string, parsed: TArn): void {
  if (parsed.region === "") throw invalid(arn, "the region is missing");
  if (parsed.accountId === "") throw invalid(arn, "the account id is missing");
}

function expectGlobal(arn: string, parsed: TArn, what: string): void {
  if (parsed.region !== "") throw invalid(arn, `${what} ARNs have no region`);
}

export type TS3BucketArn = { partition: TPartition; bucket: string; arn: string };

// General purpose bucket naming rules: 3–63 chars, lower-case letters, digits, dots and hyphens,
// beginning and ending with a letter or digit, no "..", not shaped like an IP address.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function parseS3BucketArn(arn: string): TS3BucketArn {
  const parsed = parseArn(arn);
  expectService(arn, parsed, "s3");
  if (parsed.region !== "" || parsed.accountId !== "") throw invalid(arn, "S3 bucket ARNs have no region or account");
  const bucket = parsed.resource;
  if (bucket.includes("/")) throw invalid(arn, "expected a bucket, not an object");
  if (!BUCKET.test(bucket) || bucket.includes("..") || /^\d+\.\d+\.\d+\.\d+$/.test(bucket)) {
    throw invalid(arn, `"${bucket}" is not a valid bucket name`);
  }
  return { partition: parsed.partition, bucket, arn: `arn:${parsed.partition}:s3:::${bucket}` };
}

export type TEc2InstanceArn = { partition: TPartition; region: string; accountId: string; instanceId: string; arn: string };

// Instance ids are `i-` and 8 (older) or 17 hex digits.
const INSTANCE_RESOURCE = /^instance\/(i-(?:[0-9a-f]{8}|[0-9a-f]{17}))$/;

export function parseEc2InstanceArn(arn: string): TEc2InstanceArn {
  const parsed = parseArn(arn);
  expectService(arn, parsed, "ec2");
  expectRegional(arn, parsed);
  const match = INSTANCE_RESOURCE.exec(parsed.resource);
  if (!match?.[1]) throw invalid(arn, "expected instance/i-…");
  return { partition: parsed.partition, region: parsed.region, accountId: parsed.accountId, instanceId: match[1], arn };
}

export type TSecretArn = { partition: TPartition; region: string; accountId: string; secretId: string; arn: string };

// Secrets Manager appends "-" and six random characters to the name; discovery stores that full ARN.
// Names: 1–512 of letters, digits and /_+=.@-
const SECRET_RESOURCE = /^secret:([A-Za-z0-9/_+=.@-]{1,512}-[A-Za-z0-9]{6})$/;

export function parseSecretArn(arn: string): TSecretArn {
  const parsed = parseArn(arn);
  expectService(arn, parsed, "secretsmanager");
  expectRegional(arn, parsed);
  const match = SECRET_RESOURCE.exec(parsed.resource);
  if (!match?.[1]) throw invalid(arn, "expected secret:<name>-<6 characters>");
  return { partition: parsed.partition, region: parsed.region, accountId: parsed.accountId, secretId: match[1], arn };
}

export type TIamPathArn = { partition: TPartition; accountId: string; path: string; name: string; arn: string };

// IAM paths: "/" or "/a/b/", up to 512 printable characters; names per the IAM API.
const IAM_PATH = /^\/(?:[\x21-\x2e\x30-\x7e]+\/)*$/;

function parseIamPathResource(
  arn: string,
  kind: "role" | "policy",
  namePattern: RegExp,
): TIamPathArn {
  const parsed = parseArn(arn);
  expectService(arn, parsed, "iam");
  expectGlobal(arn, parsed, "IAM");
  if (!parsed.resource.startsWith(`${kind}/`)) throw invalid(arn, `expected ${kind}/…`);
  const pathAndName = parsed.resource.slice(kind.length);
  const lastSlash = pathAndName.lastIndexOf("/");
  const path = pathAndName.slice(0, lastSlash + 1);
  const name = pathAndName.slice(lastSlash + 1);
  if (path.length > 512 || !IAM_PATH.test(path)) throw invalid(arn, `bad IAM path "${path}"`);
  if (!namePattern.test(name)) throw invalid(arn, `bad IAM ${kind} name "${name}"`);
  return { partition: parsed.partition, accountId: parsed.accountId, path, name, arn };
}

export function parseIamRoleArn(arn: string): TIamPathArn {
  const parsed = parseIamPathResource(arn, "role", /^[\w+=,.@-]{1,64}$/);
  if (!ACCOUNT_ID.test(parsed.accountId)) throw invalid(arn, "the account id is missing");
  return parsed;
}

/** Customer-managed policies only: AWS-managed ones (`arn:aws:iam::aws:policy/…`) are not in an account. */
export function parseIamPolicyArn(arn: string): TIamPathArn {
  const parts = arn.split(":");
  if (parts[4] === "aws") throw invalid(arn, "AWS-managed policies cannot be requested, only customer-managed ones");
  const parsed = parseIamPathResource(arn, "policy", /^[\w+=,.@-]{1,128}$/);
  if (!ACCOUNT_ID.test(parsed.accountId)) throw invalid(arn, "the account id is missing");
  return parsed;
}

// From the sso-admin model (AWS-FACTS.md §1).
const PERMISSION_SET_ARN = /^arn:(aws|aws-cn|aws-us-gov):sso:::permissionSet\/(sso)?ins-[a-zA-Z0-9-.]{16}\/ps-[a-zA-Z0-9-./]{16}$/;

export function parsePermissionSetArn(arn: string): { partition: TPartition; arn: string } {
  const match = PERMISSION_SET_ARN.exec(arn);
  if (!match?.[1] || !isPartition(match[1])) throw invalid(arn, "expected arn:aws:sso:::permissionSet/ins-…/ps-…");
  return { partition: match[1], arn };
}
