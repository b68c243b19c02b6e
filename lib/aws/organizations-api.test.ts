import { describe, expect, it } from "vitest";
import { managementAccountFromArn } from "./organizations-api.ts";

describe("managementAccountFromArn", () => {
  it("reads the management account id from an Organizations account ARN", () => {
    expect(managementAccountFromArn("arn:aws:organizations::111111111111:account/o-exampleorgid/222222222222")).toBe("111111111111");
    expect(managementAccountFromArn("arn:aws-us-gov:organizations::111111111111:account/o-exampleorgid/222222222222")).toBe("111111111111");
  });
  it("returns null for anything else", () => {
    expect(managementAccountFromArn(undefined)).toBeNull();
    expect(managementAccountFromArn("")).toBeNull();
    expect(managementAccountFromArn("arn:aws:organizations::111111111111:ou/o-exampleorgid/ou-ab12-cd34ef56")).toBeNull();
  });
});
