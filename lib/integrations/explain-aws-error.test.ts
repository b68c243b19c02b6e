import { describe, expect, it } from "vitest";
import { awsErrorInfo } from "../aws/aws-errors.ts";
import { explainAwsError } from "./explain-aws-error.ts";

const info = (name: string, message = "", extra: { throttling?: boolean; accessDenied?: boolean } = {}) => ({ name, message, throttling: false, accessDenied: false, ...extra });
/** The info as the portal builds it, from an error shaped like the SDK's (with the HTTP status AWS sent). */
const sdkError = (name: string, httpStatusCode: number, message: string) => awsErrorInfo(Object.assign(new Error(message), { name, $metadata: { httpStatusCode } }));
const ROLE = "arn:aws:iam::222222222222:role/jit-portal-access";
const denied = (action: string, how: string) => sdkError("AccessDeniedException", 403, `User: arn:aws:sts::222222222222:assumed-role/jit-portal-access/jit-access-portal is not authorized to perform: ${action} ${how}`);

describe("explainAwsError", () => {
  it("names the missing action for the management credentials", () => {
    const x = explainAwsError({ kind: "management-read", action: "organizations:ListRoots" }, info("AccessDeniedException", "User: arn:aws:iam::111111111111:user/jit-portal is not authorized to perform: organizations:ListRoots", { accessDenied: true }));
    expect(x.fix).toBe("The management credentials lack organizations:ListRoots — add it to the policy (the Setup helper tab has the exact document).");
    expect(x.error).toMatch(/^AccessDeniedException: /);
  });
  it("names both causes AWS gives the same answer for: a member account, or a missing permission", () => {
    const x = explainAwsError({ kind: "management-read", action: "organizations:ListRoots" }, info("AccessDeniedException", "You don't have permissions to access this resource.", { accessDenied: true }));
    expect(x.fix).toMatch(/not the organization's management account/);
    expect(x.fix).toMatch(/their policy lacks organizations:ListRoots/);
  });
  it("explains a refused AssumeRole with the external id the portal sends", () => {
    const x = explainAwsError({ kind: "assume-sub-account", roleArn: "arn:aws:iam::222222222222:role/jit-portal-access", accountId: "222222222222", externalId: "wrong" }, info("AccessDenied", "not authorized to perform: sts:AssumeRole", { accessDenied: true }));
    expect(x.fix).toMatch(/trust policy does not allow this external id \(the portal sends "wrong"\)/);
  });
  it("recognises bad keys, throttling and network failures", () => {
    expect(explainAwsError({ kind: "root-credentials", authMethod: "ACCESS_KEY" }, info("InvalidClientTokenId")).fix).toMatch(/does not recognise the access key/);
    expect(explainAwsError({ kind: "management-read", action: "sso:ListInstances" }, info("ThrottlingException", "", { throttling: true })).fix).toMatch(/throttling/);
    expect(explainAwsError({ kind: "management-read", action: "sso:ListInstances" }, info("Error", "connect ECONNREFUSED 127.0.0.1:1")).fix).toMatch(/could not reach/);
    expect(explainAwsError({ kind: "account-read", action: "ec2:DescribeInstances", roleArn: "arn:aws:iam::2:role/r" }, info("UnauthorizedOperation")).fix).toBe("The role arn:aws:iam::2:role/r lacks ec2:DescribeInstances — add it to the role's policy (the Setup helper lists it).");
  });
  it("does not blame the access key for a member account's region or a server without credentials", () => {
    // EC2 answers AuthFailure, Secrets Manager UnrecognizedClientException, in a region the account has not enabled.
    for (const name of ["AuthFailure", "UnrecognizedClientException"]) {
      const x = explainAwsError({ kind: "account-read", action: "secretsmanager:ListSecrets", roleArn: "arn:aws:iam::2:role/r" }, info(name));
      expect(x.fix).toMatch(/region is not enabled \(opted in\) in this account/);
      expect(x.fix).not.toMatch(/access key/);
    }
    expect(explainAwsError({ kind: "root-credentials", authMethod: "ASSUME_ROLE", roleArn: "arn:aws:iam::1:role/m" }, info("InvalidClientTokenId")).fix).toMatch(/server's own credentials/);
  });

  it("reports STS not activated in the region, not a trust policy, though STS sends it with HTTP 403", () => {
    const e = sdkError("RegionDisabledException", 403, "STS is not activated in this region for account:222222222222. Your account administrator can activate STS in this region using the IAM Console.");
    const sub = explainAwsError({ kind: "assume-sub-account", roleArn: ROLE, accountId: "222222222222", externalId: "x" }, e);
    expect(sub.fix).toMatch(/^STS is not activated in the integration's region \(root_account\.region\) for account 222222222222\./);
    expect(sub.fix).not.toMatch(/trust policy/);
    const root = explainAwsError({ kind: "root-credentials", authMethod: "ASSUME_ROLE", roleArn: "arn:aws:iam::111111111111:role/m" }, e);
    expect(root.fix).toMatch(/^STS is not activated/);
    expect(root.fix).not.toMatch(/trust policy/);
  });
  it("names the service control policy, not a missing permission, for an explicit deny in an SCP", () => {
    const regional = explainAwsError({ kind: "account-read", action: "ec2:DescribeInstances", roleArn: ROLE }, denied("ec2:DescribeInstances", "with an explicit deny in a service control policy"));
    expect(regional.fix).toMatch(/^A service control policy \(SCP\) of the organization denies ec2:DescribeInstances for the role arn:aws:iam::222222222222:role\/jit-portal-access/);
    expect(regional.fix).toMatch(/list only the regions the SCP allows in this sub-account entry's "regions", or change the SCP/);
    expect(regional.fix).not.toMatch(/lacks/);
    // A global service: "regions" would not help.
    const global = explainAwsError({ kind: "account-read", action: "iam:ListRoles", roleArn: ROLE }, denied("iam:ListRoles", "with an explicit deny in a service control policy: arn:aws:organizations::111111111111:policy/o-abc/service_control_policy/p-xyz"));
    expect(global.fix).toMatch(/SCP\) of the organization \(arn:aws:organizations::111111111111:policy\/o-abc\/service_control_policy\/p-xyz\) denies iam:ListRoles/);
    expect(global.fix).not.toMatch(/"regions"/);
    const mgmt = explainAwsError({ kind: "management-read", action: "sso:ListInstances" }, denied("sso:ListInstances", "with an explicit deny in a service control policy"));
    expect(mgmt.fix).toMatch(/^A service control policy \(SCP\) of the organization denies sso:ListInstances for the management credentials/);
  });
  it("names a permissions boundary or other explicit deny, and keeps \"lacks\" for a plain missing permission", () => {
    const ctx = { kind: "account-read", action: "secretsmanager:ListSecrets", roleArn: ROLE } as const;
    expect(explainAwsError(ctx, denied("secretsmanager:ListSecrets", "with an explicit deny in a permissions boundary")).fix).toMatch(/^The permissions boundary of the role .* denies secretsmanager:ListSecrets/);
    for (const where of ["an identity-based policy", "a session policy", "a resource-based policy"]) {
      const x = explainAwsError(ctx, denied("secretsmanager:ListSecrets", `with an explicit deny in ${where}`));
      expect(x.fix).toMatch(/denies secretsmanager:ListSecrets/);
      expect(x.fix).not.toMatch(/lacks/);
    }
    expect(explainAwsError(ctx, denied("secretsmanager:ListSecrets", "because no identity-based policy allows the secretsmanager:ListSecrets action")).fix).toBe(
      `The role ${ROLE} lacks secretsmanager:ListSecrets — add it to the role's policy (the Setup helper lists it).`,
    );
    // EC2 answers UnauthorizedOperation with the same wording.
    const ec2 = sdkError("UnauthorizedOperation", 403, "You are not authorized to perform this operation. User: arn:aws:sts::2:assumed-role/r/s is not authorized to perform: ec2:DescribeInstances with an explicit deny in a service control policy");
    expect(explainAwsError({ kind: "account-read", action: "ec2:DescribeInstances", roleArn: ROLE }, ec2).fix).toMatch(/^A service control policy/);
  });
  it("names a key from another partition as a cause of an unrecognised access key", () => {
    const e = sdkError("InvalidClientTokenId", 403, "The security token included in the request is invalid.");
    const x = explainAwsError({ kind: "root-credentials", authMethod: "ACCESS_KEY" }, e);
    expect(x.fix).toMatch(/does not recognise the access key/);
    expect(x.fix).toMatch(/another partition \(GovCloud or China\): set root_account\.region to one of its regions \(us-gov-… or cn-…\)/);
  });
});
