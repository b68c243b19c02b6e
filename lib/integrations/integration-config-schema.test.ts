import { describe, expect, it } from "vitest";
import { mapIntegrationConfig } from "./map-integration-config.ts";
import { integrationConfigView } from "./integration-config-view.ts";
import { parseIntegrationJson, ZIntegrationConfig } from "./integration-config-schema.ts";

const valid = {
  name: "prod org",
  root_account: { access_key_id: "AKIAJITDEMO000000001", secret_access_key: "jitDemoSecretAccessKey0000000000000000001", region: "us-east-1" },
  sub_accounts: [{ account_id: "*", access_role_arn: "arn:aws:iam::*:role/jit-portal-access", region: "us-east-1", tags: [{ key: "environment", value: "test" }] }],
  options: { sso_instance_arn: "arn:aws:sso:::instance/ssoins-7223aa11bb22cc33", resource_types: [], tags: [] },
};

describe("integration config", () => {
  it("accepts the shape AWS admins paste", () => {
    const r = parseIntegrationJson(JSON.stringify(valid));
    expect(r.ok).toBe(true);
  });

  it("names the field that is wrong", () => {
    const bad = { ...valid, sub_accounts: [{ account_id: "*", access_role_arn: "jit-portal-access" }] };
    const r = parseIntegrationJson(JSON.stringify(bad));
    expect(r).toEqual({ ok: false, errors: [expect.stringMatching(/^sub_accounts\[0\]\.access_role_arn: must be an IAM role ARN/)] });
    expect(parseIntegrationJson("{ nope")).toMatchObject({ ok: false, errors: [expect.stringMatching(/^JSON:/)] });
    const noKey = parseIntegrationJson(JSON.stringify({ ...valid, root_account: { region: "us-east-1" } }));
    expect(noKey).toMatchObject({ ok: false, errors: [expect.stringMatching(/^root_account\.access_key_id: is required/)] });
    const badRegion = parseIntegrationJson(JSON.stringify({ ...valid, root_account: { ...valid.root_account, region: "Virginia" } }));
    expect(badRegion).toMatchObject({ ok: false, errors: ["root_account.region: must be an AWS region such as us-east-1"] });
    // China and GovCloud are supported, one partition per integration: its ARNs and regions must agree with root_account.region.
    const gov = {
      ...valid,
      root_account: { ...valid.root_account, region: "us-gov-west-1" },
      sub_accounts: [{ account_id: "*", access_role_arn: "arn:aws-us-gov:iam::*:role/jit-portal-access", regions: ["us-gov-west-1", "us-gov-east-1"] }],
      options: { sso_instance_arn: "arn:aws-us-gov:sso:::instance/ssoins-7223aa11bb22cc33", sso_region: "us-gov-west-1" },
    };
    expect(parseIntegrationJson(JSON.stringify(gov))).toMatchObject({ ok: true });
    const china = {
      ...valid,
      root_account: { ...valid.root_account, region: "cn-north-1" },
      sub_accounts: [{ account_id: "*", access_role_arn: "arn:aws-cn:iam::*:role/jit-portal-access" }],
      options: { sso_instance_arn: "arn:aws-cn:sso:::instance/ssoins-7223aa11bb22cc33" },
    };
    expect(parseIntegrationJson(JSON.stringify(china))).toMatchObject({ ok: true });
    const mixed = parseIntegrationJson(
      JSON.stringify({ ...gov, sub_accounts: [{ account_id: "*", access_role_arn: "arn:aws:iam::*:role/jit-portal-access", regions: ["us-east-1"] }], options: { sso_instance_arn: "arn:aws:sso:::instance/ssoins-7223aa11bb22cc33" } }),
    );
    expect(mixed).toEqual({
      ok: false,
      errors: [
        "options.sso_instance_arn: the instance ARN must be in the aws-us-gov partition, as root_account.region (us-gov-west-1) is",
        "sub_accounts[0].access_role_arn: the role ARN must be in the aws-us-gov partition, as root_account.region (us-gov-west-1) is",
        "sub_accounts[0].regions[0]: the region must be in the aws-us-gov partition, as root_account.region (us-gov-west-1) is",
      ],
    });
    const wrongAccount = parseIntegrationJson(JSON.stringify({ ...valid, sub_accounts: [{ account_id: "222222222222", access_role_arn: "arn:aws:iam::333333333333:role/x" }] }));
    expect(wrongAccount).toMatchObject({ ok: false, errors: [expect.stringMatching(/^sub_accounts\[0\]\.access_role_arn: must be a role in account 222222222222/)] });
    const dup = parseIntegrationJson(JSON.stringify({ ...valid, sub_accounts: [valid.sub_accounts[0], valid.sub_accounts[0]] }));
    expect(dup).toMatchObject({ ok: false, errors: ["sub_accounts[1].account_id: duplicates sub_accounts[0]"] });
    const badType = parseIntegrationJson(JSON.stringify({ ...valid, options: { resource_types: ["lambda"] } }));
    expect(badType).toMatchObject({ ok: false, errors: [expect.stringMatching(/^options\.resource_types\[0\]: must be one of/)] });
  });

  it("refuses what would silently do the wrong thing", () => {
    const errorsOf = (config: unknown) => {
      const r = parseIntegrationJson(JSON.stringify(config));
      return r.ok ? [] : r.errors;
    };
    // A * entry pinned to one account's role would file that account's resources under every account.
    expect(errorsOf({ ...valid, sub_accounts: [{ account_id: "*", access_role_arn: "arn:aws:iam::111111111111:role/jit" }] })).toEqual([
      expect.stringMatching(/^sub_accounts\[0\]\.access_role_arn: must use \* for the account id/),
    ]);
    // A misspelled key must not drop the external id without a word.
    expect(errorsOf({ ...valid, sub_accounts: [{ ...valid.sub_accounts[0], externalid: "abc123" }] })).toEqual([expect.stringMatching(/^sub_accounts\[0\]: .*externalid/)]);
    expect(errorsOf({ ...valid, options: { ...valid.options, sso_instance: "x" } })).toEqual([expect.stringMatching(/^options: .*sso_instance/)]);
    // At the top too: "sub_account" dropped would leave no sub-accounts, and saving would prune the catalog.
    const { sub_accounts, ...rest } = valid;
    expect(errorsOf({ ...rest, sub_account: sub_accounts })).toEqual([expect.stringMatching(/unknown key "sub_account"/)]);
    // Temporary keys cannot work without a session token; an external id means nothing with keys; keys and a role exclude each other.
    expect(errorsOf({ ...valid, root_account: { ...valid.root_account, access_key_id: "ASIAJITDEMO000000001" } })).toEqual([expect.stringMatching(/^root_account\.access_key_id: is a temporary key/)]);
    expect(errorsOf({ ...valid, root_account: { ...valid.root_account, external_id: "ext-123" } })).toEqual(["root_account.external_id: is used only with access_role_arn (access keys are not assumed)"]);
    expect(errorsOf({ ...valid, root_account: { access_role_arn: "arn:aws:iam::111111111111:role/mgmt", secret_access_key: "jitDemoSecretAccessKey0000000000000000001" } })).toEqual([
      "root_account.secret_access_key: give either access keys or access_role_arn, not both",
    ]);
    expect(errorsOf({ ...valid, root_account: { access_role_arn: "arn:aws:iam::111111111111:role/mgmt", secret_access_key: "set" } })).toEqual([]);
  });

  it("maps onto the Integration model and keeps the stored secret when the config says set", () => {
    const parsed = ZIntegrationConfig.parse({ ...valid, options: { ...valid.options, resource_types: ["s3_bucket", "ec2 instance"] } });
    const { columns, newSecret } = mapIntegrationConfig(parsed);
    expect(columns).toMatchObject({ authMethod: "ACCESS_KEY", accessKeyId: "AKIAJITDEMO000000001", region: "us-east-1", instanceArn: valid.options.sso_instance_arn, tempPermissionSetPrefix: "jit-", syncIntervalMinutes: 60, options: { resource_types: ["S3_BUCKET", "EC2_INSTANCE"], tags: [] } });
    expect(newSecret).toBe(valid.root_account.secret_access_key);
    expect(mapIntegrationConfig(ZIntegrationConfig.parse({ ...valid, root_account: { ...valid.root_account, secret_access_key: "set" } })).newSecret).toBeNull();

    const role = ZIntegrationConfig.parse({ ...valid, root_account: { access_role_arn: "arn:aws:iam::111111111111:role/mgmt", external_id: "ext-123", region: "eu-west-1" } });
    expect(mapIntegrationConfig(role).columns).toMatchObject({ authMethod: "ASSUME_ROLE", roleArn: "arn:aws:iam::111111111111:role/mgmt", externalId: "ext-123", rootAccountId: "111111111111", accessKeyId: null });
  });

  it("never puts the secret in the browser's view", () => {
    const parsed = ZIntegrationConfig.parse(valid);
    const { columns } = mapIntegrationConfig(parsed);
    const view = integrationConfigView({ ...columns, secretAccessKeyEnc: "v1:abc:def:ghi" });
    expect(JSON.stringify(view)).not.toContain(valid.root_account.secret_access_key);
    expect(view.root_account).toMatchObject({ secret_access_key: "set" });
    expect(ZIntegrationConfig.safeParse(view).success).toBe(true);
  });
});
