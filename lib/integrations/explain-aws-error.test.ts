import { describe, expect, it } from "vitest";
import { explainAwsError } from "./explain-aws-error.ts";

const info = (name: string, message = "", extra: { throttling?: boolean; accessDenied?: boolean } = {}) => ({ name, message, throttling: false, accessDenied: false, ...extra });

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
});
