import { describe, expect, it } from "vitest";
import { ZIntegrationConfig } from "./integration-config-schema.ts";
import { projectRootAccount } from "./project-root-account.ts";

const both = { access_key_id: "AKIAJITDEMO000000001", secret_access_key: "set", account_id: "111111111111", access_role_arn: "arn:aws:iam::999999999999:role/mgmt", external_id: "ext-123", region: "us-east-1" };

describe("projectRootAccount", () => {
  it("role mode sends the role without the stale account id, so a changed role ARN saves", () => {
    const root = projectRootAccount(both, "role");
    expect(root).toEqual({ access_role_arn: "arn:aws:iam::999999999999:role/mgmt", external_id: "ext-123", region: "us-east-1" });
    expect(ZIntegrationConfig.safeParse({ name: "x", root_account: root }).success).toBe(true);
  });

  it("key mode sends only the keys; an empty role ARN in role mode gets its own error", () => {
    expect(projectRootAccount(both, "key")).toEqual({ access_key_id: "AKIAJITDEMO000000001", secret_access_key: "set", region: "us-east-1" });
    const empty = ZIntegrationConfig.safeParse({ name: "x", root_account: projectRootAccount({ region: "us-east-1" }, "role") });
    expect(empty.success).toBe(false);
    expect(empty.error?.issues.map((i) => i.path.join("."))).toEqual(["root_account.access_role_arn"]);
  });
});
