import { describe, expect, it } from "vitest";

import { AccessError } from "./access-error";
import {
  parseArn,
  parseEc2InstanceArn,
  parseIamPolicyArn,
  parseIamRoleArn,
  parsePermissionSetArn,
  parseS3BucketArn,
  parseSecretArn,
} from "./parse-arn";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof AccessError ? error.code : "NOT_ACCESS_ERROR";
  }
  return undefined;
}

describe("parseArn", () => {
  it("splits the six parts and keeps colons inside the resource", () => {
    expect(parseArn("arn:aws:secretsmanager:eu-west-1:111122223333:secret:db/prod-AbCdEf")).toEqual({
      partition: "aws",
      service: "secretsmanager",
      region: "eu-west-1",
      accountId: "111122223333",
      resource: "secret:db/prod-AbCdEf",
    });
  });

  it.each([
    ["", "empty"],
    ["not-an-arn", "shape"],
    ["arn:aws:s3", "too few parts"],
    ["arx:aws:s3:::bucket", "prefix"],
    ["arn:aws-iso:s3:::bucket", "unknown partition"],
    ["arn:AWS:s3:::bucket", "upper-case partition"],
    ["arn:aws:ec2:us-east-1:12345678901:instance/i-0123456789abcdef0", "11-digit account"],
    ["arn:aws:ec2:us-east-1:1234567890123:instance/i-0123456789abcdef0", "13-digit account"],
    ["arn:aws:ec2:us-east-1:abcdefghijkl:instance/i-0123456789abcdef0", "non-numeric account"],
    ["arn:aws:ec2:useast1:111122223333:instance/i-0123456789abcdef0", "bad region"],
    ["arn:aws:ec2:cn-north-1:111122223333:instance/i-0123456789abcdef0", "China region in aws"],
    ["arn:aws-cn:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0", "aws region in aws-cn"],
    ["arn:aws-us-gov:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0", "aws region in aws-us-gov"],
    ["arn:aws:ec2:us-gov-west-1:111122223333:instance/i-0123456789abcdef0", "GovCloud region in aws"],
    ["arn:aws:s3:::", "empty resource"],
    ["arn:aws:s3:::my bucket", "whitespace"],
    ["arn:aws:s3:::bucket*", "wildcard"],
    ["arn:aws:s3:::buck?t", "single-character wildcard"],
    ["arn:aws:s3:::${aws:username}", "policy variable"],
    [`arn:aws:s3:::${"a".repeat(2050)}`, "too long"],
  ])("rejects %s (%s)", (arn) => {
    expect(codeOf(() => parseArn(arn))).toBe("INVALID_ARN");
  });

  it("accepts every partition with a matching region", () => {
    expect(parseArn("arn:aws-cn:ec2:cn-north-1:111122223333:instance/i-0123abcd").partition).toBe("aws-cn");
    expect(parseArn("arn:aws-us-gov:ec2:us-gov-west-1:111122223333:instance/i-0123abcd").partition).toBe("aws-us-gov");
  });

  it("gives a user message that does not echo the raw input", () => {
    try {
      parseS3BucketArn("arn:aws:s3:::<script>");
      expect.fail("should throw");
    } catch (error) {
      expect(error).toBeInstanceOf(AccessError);
      expect((error as AccessError).message).toContain("<script>");
      expect((error as AccessError).userMessage).toBe("The resource identifier is not a valid AWS ARN.");
    }
  });
});

describe("typed ARN parsers", () => {
  it("parses an S3 bucket and refuses objects, accounts and bad names", () => {
    expect(parseS3BucketArn("arn:aws:s3:::my-bucket.logs")).toEqual({
      partition: "aws",
      bucket: "my-bucket.logs",
      arn: "arn:aws:s3:::my-bucket.logs",
    });
    for (const bad of [
      "arn:aws:s3:::my-bucket/key",
      "arn:aws:s3:us-east-1:111122223333:my-bucket",
      "arn:aws:s3:::My-Bucket",
      "arn:aws:s3:::ab",
      "arn:aws:s3:::-bucket",
      "arn:aws:s3:::bucket..name",
      "arn:aws:s3:::192.168.1.1",
      "arn:aws:ec2:::bucket",
    ]) {
      expect(codeOf(() => parseS3BucketArn(bad)), bad).toBe("INVALID_ARN");
    }
  });

  it("parses an EC2 instance with 8 or 17 hex digits", () => {
    expect(parseEc2InstanceArn("arn:aws:ec2:eu-central-1:111122223333:instance/i-0123456789abcdef0")).toEqual({
      partition: "aws",
      region: "eu-central-1",
      accountId: "111122223333",
      instanceId: "i-0123456789abcdef0",
      arn: "arn:aws:ec2:eu-central-1:111122223333:instance/i-0123456789abcdef0",
    });
    expect(parseEc2InstanceArn("arn:aws:ec2:us-east-1:111122223333:instance/i-0123abcd").instanceId).toBe("i-0123abcd");
    for (const bad of [
      "arn:aws:ec2:us-east-1:111122223333:instance/i-0123",
      "arn:aws:ec2:us-east-1:111122223333:volume/vol-0123456789abcdef0",
      "arn:aws:ec2::111122223333:instance/i-0123456789abcdef0",
      "arn:aws:ec2:us-east-1::instance/i-0123456789abcdef0",
      "arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789ABCDEF0",
    ]) {
      expect(codeOf(() => parseEc2InstanceArn(bad)), bad).toBe("INVALID_ARN");
    }
  });

  it("parses a secret only with its random suffix", () => {
    expect(parseSecretArn("arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-password-AbC123").secretId).toBe(
      "prod/db-password-AbC123",
    );
    expect(codeOf(() => parseSecretArn("arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-password"))).toBe(
      "INVALID_ARN",
    );
    expect(codeOf(() => parseSecretArn("arn:aws:secretsmanager::111122223333:secret:x-AbC123"))).toBe("INVALID_ARN");
  });

  it("parses IAM roles and policies with their path", () => {
    expect(parseIamRoleArn("arn:aws:iam::111122223333:role/ops/team/Admin")).toEqual({
      partition: "aws",
      accountId: "111122223333",
      path: "/ops/team/",
      name: "Admin",
      arn: "arn:aws:iam::111122223333:role/ops/team/Admin",
    });
    expect(parseIamPolicyArn("arn:aws:iam::111122223333:policy/ReadOnlyBilling")).toMatchObject({
      path: "/",
      name: "ReadOnlyBilling",
    });
    for (const bad of [
      "arn:aws:iam:us-east-1:111122223333:role/Admin",
      "arn:aws:iam::111122223333:role/",
      "arn:aws:iam::111122223333:user/alice",
      "arn:aws:iam::111122223333:role//Admin",
      `arn:aws:iam::111122223333:role/${"a".repeat(65)}`,
      "arn:aws:iam:::role/Admin",
    ]) {
      expect(codeOf(() => parseIamRoleArn(bad)), bad).toBe("INVALID_ARN");
    }
  });

  it("refuses AWS-managed policies with a specific reason", () => {
    expect(() => parseIamPolicyArn("arn:aws:iam::aws:policy/AdministratorAccess")).toThrow(/AWS-managed/);
  });

  it("parses permission set ARNs per the sso-admin model", () => {
    const arn = "arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-1234567890abcdef";
    expect(parsePermissionSetArn(arn)).toEqual({ partition: "aws", arn });
    expect(codeOf(() => parsePermissionSetArn("arn:aws:sso:::permissionSet/ssoins-123/ps-456"))).toBe("INVALID_ARN");
  });
});
