import { describe, expect, it } from "vitest";
import { normalizeRequesterPrincipalId } from "./normalize-requester-principal-id.ts";
import { readTargetSnapshot } from "./read-target-snapshot.ts";

describe("readTargetSnapshot", () => {
  it("reads the requester side's snapshot", () => {
    expect(
      readTargetSnapshot({ type: "S3_BUCKET", name: "logs", arn: "arn:aws:s3:::logs", region: null, accountId: "222222222222", accountName: "prod", ouPath: "Root/Prod", tags: {} }),
    ).toEqual({ name: "logs", type: "S3_BUCKET", arn: "arn:aws:s3:::logs", region: null, accountId: "222222222222", accountName: "prod", ouPath: "Root/Prod" });
  });
  it("tolerates missing, malformed and older shapes", () => {
    expect(readTargetSnapshot(null)).toMatchObject({ name: null, arn: null });
    expect(readTargetSnapshot("nonsense")).toMatchObject({ name: null });
    expect(readTargetSnapshot({ name: 42, permissionSetArn: "arn:ps", account: { accountId: "333333333333", name: "dev" } })).toMatchObject({
      name: "42",
      arn: "arn:ps",
      accountId: "333333333333",
      accountName: "dev",
    });
    expect(readTargetSnapshot({ name: "  ", groupName: "Data Engineers" }).name).toBe("Data Engineers");
  });
});

describe("normalizeRequesterPrincipalId", () => {
  const approver = { principal: { id: "p-avery", awsId: "uid-avery" } };
  it("maps the approver's own AWS UserId to their Principal id", () => {
    expect(normalizeRequesterPrincipalId("uid-avery", approver)).toBe("p-avery");
  });
  it("leaves everything else alone", () => {
    expect(normalizeRequesterPrincipalId("p-riley", approver)).toBe("p-riley");
    expect(normalizeRequesterPrincipalId(null, approver)).toBeNull();
    expect(normalizeRequesterPrincipalId("uid-avery", { principal: null })).toBe("uid-avery");
  });
});
