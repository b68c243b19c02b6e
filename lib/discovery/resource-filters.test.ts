import { describe, expect, it } from "vitest";
import { effectiveResourceTypes, matchesTagFilters } from "./resource-filters.ts";
import { coveredByTarget, resolveScanTarget } from "./resolve-scan-targets.ts";
import { diffResources, type TFoundResource } from "./diff-resources.ts";

describe("tag filters", () => {
  const tags = { environment: "prod", team: "data" };
  it("ANDs keys, ORs values of one key, and treats empty or * as presence", () => {
    expect(matchesTagFilters(tags, [])).toBe(true);
    expect(matchesTagFilters(tags, [{ key: "environment", value: "prod" }])).toBe(true);
    expect(matchesTagFilters(tags, [{ key: "environment", value: "dev" }])).toBe(false);
    expect(matchesTagFilters(tags, [{ key: "environment", value: "dev" }, { key: "environment", value: "prod" }])).toBe(true);
    expect(matchesTagFilters(tags, [{ key: "environment", value: "prod" }, { key: "team", value: "web" }])).toBe(false);
    expect(matchesTagFilters(tags, [{ key: "team", value: "" }])).toBe(true);
    expect(matchesTagFilters(tags, [{ key: "owner", value: "*" }])).toBe(false);
  });
  it("narrows resource types by both lists", () => {
    expect(effectiveResourceTypes([], undefined)).toHaveLength(5);
    expect(effectiveResourceTypes(["S3_BUCKET", "SECRET"], ["SECRET", "IAM_ROLE"])).toEqual(["SECRET"]);
    expect(effectiveResourceTypes([], ["IAM_ROLE"])).toEqual(["IAM_ROLE"]);
  });
});

describe("scan targets", () => {
  const wildcard = { account_id: "*", access_role_arn: "arn:aws:iam::*:role/jit-portal-access", external_id: "ext-1" };
  const global = { resourceTypes: [] as never[], tags: [] };
  it("replaces * by the account id and lets an explicit entry override the wildcard", () => {
    expect(resolveScanTarget({ accountId: "222222222222", state: "ACTIVE", isManagement: false }, [wildcard], global)).toMatchObject({ roleArn: "arn:aws:iam::222222222222:role/jit-portal-access", externalId: "ext-1", entryIndex: 0, regions: null });
    const explicit = { account_id: "222222222222", access_role_arn: "arn:aws:iam::222222222222:role/other", external_id: "ext-2", regions: ["eu-west-1"] };
    expect(resolveScanTarget({ accountId: "222222222222", state: "ACTIVE", isManagement: false }, [wildcard, explicit], global)).toMatchObject({ roleArn: "arn:aws:iam::222222222222:role/other", externalId: "ext-2", regions: ["eu-west-1"], entryIndex: 1 });
  });
  it("skips the management account for *, inactive accounts and disabled entries", () => {
    expect(resolveScanTarget({ accountId: "111111111111", state: "ACTIVE", isManagement: true }, [wildcard], global)).toBeNull();
    expect(resolveScanTarget({ accountId: "111111111111", state: "ACTIVE", isManagement: true }, [{ ...wildcard, account_id: "111111111111" }], global)).not.toBeNull();
    expect(resolveScanTarget({ accountId: "222222222222", state: "SUSPENDED", isManagement: false }, [wildcard], global)).toBeNull();
    expect(resolveScanTarget({ accountId: "222222222222", state: "ACTIVE", isManagement: false }, [wildcard, { ...wildcard, account_id: "222222222222", enabled: false }], global)).toBeNull();
    expect(resolveScanTarget({ accountId: "222222222222", state: "ACTIVE", isManagement: false }, [], global)).toBeNull();
  });
  it("takes the entry's region as the account's home region", () => {
    expect(resolveScanTarget({ accountId: "222222222222", state: "ACTIVE", isManagement: false }, [wildcard], global)?.homeRegion).toBeNull();
    expect(resolveScanTarget({ accountId: "222222222222", state: "ACTIVE", isManagement: false }, [{ ...wildcard, region: "eu-central-1" }], global)?.homeRegion).toBe("eu-central-1");
  });
  it("says whether a stored resource is still covered: account, type, region and tags", () => {
    const target = resolveScanTarget(
      { accountId: "222222222222", state: "ACTIVE", isManagement: false },
      [{ ...wildcard, regions: ["eu-west-1"], tags: [{ key: "team", value: "data" }] }],
      { resourceTypes: ["EC2_INSTANCE", "S3_BUCKET"], tags: [{ key: "environment", value: "prod" }] },
    );
    const tags = { environment: "prod", team: "data" };
    expect(coveredByTarget({ type: "EC2_INSTANCE", region: "eu-west-1", tags }, target)).toBe(true);
    expect(coveredByTarget({ type: "EC2_INSTANCE", region: "us-east-1", tags }, target)).toBe(false);
    // Buckets are listed globally: the region list does not apply to them.
    expect(coveredByTarget({ type: "S3_BUCKET", region: "us-east-1", tags }, target)).toBe(true);
    expect(coveredByTarget({ type: "SECRET", region: "eu-west-1", tags }, target)).toBe(false);
    expect(coveredByTarget({ type: "EC2_INSTANCE", region: "eu-west-1", tags: { environment: "prod" } }, target)).toBe(false);
    expect(coveredByTarget({ type: "EC2_INSTANCE", region: "eu-west-1", tags }, null)).toBe(false);
  });
});

describe("resource diff", () => {
  const found = (arn: string, extra: Partial<TFoundResource> = {}): TFoundResource => ({ type: "S3_BUCKET", arn, region: "us-east-1", name: arn, tags: { b: "2", a: "1" }, attributes: {}, searchText: arn, ...extra });
  const stored = (arn: string, extra: Record<string, unknown> = {}) => ({ id: `id-${arn}`, ...found(arn), tags: { a: "1", b: "2" }, deletedAt: null, ...extra });
  it("creates new rows, leaves unchanged ones, updates changed and reappearing ones, removes vanished ones", () => {
    const d = diffResources([found("new"), found("same"), found("changed", { name: "renamed" }), found("back")], [stored("same"), stored("changed"), stored("back", { deletedAt: new Date() }), stored("gone")], (s) => s.type === "S3_BUCKET");
    expect(d.create.map((c) => c.arn)).toEqual(["new"]);
    expect(d.unchanged).toBe(1);
    expect(d.update.map((u) => [u.id, u.undelete])).toEqual([["id-changed", false], ["id-back", true]]);
    expect(d.remove).toEqual(["id-gone"]);
  });
  it("keeps rows of a type whose listing failed", () => {
    expect(diffResources([], [stored("gone")], (s) => s.type === "IAM_ROLE").remove).toEqual([]);
  });
});
