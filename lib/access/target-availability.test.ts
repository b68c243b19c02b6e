import { describe, expect, it } from "vitest";
import { managementOutOfReach, whyTargetGone } from "./target-availability.ts";

const live = { deletedAt: null };
const target = (integration: { enabled: boolean; rootAccountId: string | null }, account: { accountId: string; isManagement: boolean; state?: string }) => ({
  integration,
  account: { state: account.state ?? "ACTIVE", deletedAt: null, accountId: account.accountId, isManagement: account.isManagement },
  resource: live,
  permissionSet: null,
  group: null,
});

describe("whyTargetGone", () => {
  it("is null for a live target in an active account", () => {
    expect(whyTargetGone(target({ enabled: true, rootAccountId: "111111111111" }, { accountId: "222222222222", isManagement: false }))).toBeNull();
  });

  it("names a disabled integration and a suspended account", () => {
    expect(whyTargetGone(target({ enabled: false, rootAccountId: null }, { accountId: "222222222222", isManagement: false }))).toMatch(/disabled/);
    expect(whyTargetGone(target({ enabled: true, rootAccountId: null }, { accountId: "222222222222", isManagement: false, state: "SUSPENDED" }))).toMatch(/suspended/);
  });

  it("refuses the management account to a delegated administrator only", () => {
    // Credentials in a member account (delegated admin): AWS denies changes in the management account.
    expect(whyTargetGone(target({ enabled: true, rootAccountId: "222222222222" }, { accountId: "111111111111", isManagement: true }))).toMatch(/delegated administrator/);
    // Credentials in the management account itself, or not known yet: reachable.
    expect(managementOutOfReach({ rootAccountId: "111111111111" }, { accountId: "111111111111", isManagement: true })).toBe(false);
    expect(managementOutOfReach({ rootAccountId: null }, { accountId: "111111111111", isManagement: true })).toBe(false);
    expect(managementOutOfReach({ rootAccountId: "222222222222" }, { accountId: "333333333333", isManagement: false })).toBe(false);
  });

  it("refuses to a delegated administrator a permission set also provisioned to the management account", () => {
    const management = { account: { accountId: "111111111111", isManagement: true } };
    const setTarget = (rootAccountId: string | null, accounts: (typeof management)[]) => ({
      ...target({ enabled: true, rootAccountId }, { accountId: "333333333333", isManagement: false }),
      resource: null,
      permissionSet: { deletedAt: null, accounts },
    });
    expect(whyTargetGone(setTarget("222222222222", [management]))).toMatch(/also provisioned to the management account/);
    expect(whyTargetGone(setTarget("111111111111", [management]))).toBeNull();
    expect(whyTargetGone(setTarget("222222222222", []))).toBeNull();
  });
});
