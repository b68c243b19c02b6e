import { describe, expect, it } from "vitest";
import { withRootRegion } from "./follow-partition.ts";

const draft = () => ({
  name: "x",
  root_account: { region: "us-east-1", access_role_arn: "arn:aws:iam::111111111111:role/mgmt" },
  sub_accounts: [
    { account_id: "*", access_role_arn: "arn:aws:iam::*:role/jit-portal-access" },
    { account_id: "222222222222", access_role_arn: "arn:aws-cn:iam::222222222222:role/other" },
  ],
  options: { sso_instance_arn: "arn:aws:sso:::instance/ssoins-1" },
});

describe("withRootRegion", () => {
  it("moves the form's ARNs into GovCloud when the region moves there", () => {
    const d = withRootRegion(draft(), "us-gov-west-1");
    expect(d.root_account).toEqual({ region: "us-gov-west-1", access_role_arn: "arn:aws-us-gov:iam::111111111111:role/mgmt" });
    expect(d.sub_accounts[0]!.access_role_arn).toBe("arn:aws-us-gov:iam::*:role/jit-portal-access");
    expect(d.options.sso_instance_arn).toBe("arn:aws-us-gov:sso:::instance/ssoins-1");
  });

  it("leaves an ARN of a third partition for validation to name", () => {
    expect(withRootRegion(draft(), "us-gov-west-1").sub_accounts[1]!.access_role_arn).toBe("arn:aws-cn:iam::222222222222:role/other");
  });

  it("changes nothing but the region within one partition, and moves back when the region does", () => {
    expect(withRootRegion(draft(), "eu-west-1")).toEqual({ ...draft(), root_account: { ...draft().root_account, region: "eu-west-1" } });
    const back = withRootRegion(withRootRegion(draft(), "us-gov-east-1"), "us-east-1");
    expect(back).toEqual(draft());
  });

  it("treats an empty region as the default commercial one and keeps absent ARNs absent", () => {
    const bare = { root_account: { region: "" }, sub_accounts: [], options: {} };
    expect(withRootRegion(bare, "us-gov-east-1")).toEqual({ root_account: { region: "us-gov-east-1" }, sub_accounts: [], options: {} });
  });
});
