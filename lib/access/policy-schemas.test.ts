import { describe, expect, it } from "vitest";

import { compileTicketPattern, ZApprovalSteps, ZPolicyInput, ZTagConditions } from "./policy-schemas";

function messages(result: { success: boolean; error?: { issues: { message: string; path: PropertyKey[] }[] } }) {
  return (result.error?.issues ?? []).map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

const minimal = {
  name: "Data team S3",
  maxDurationMinutes: 240,
  allowEveryone: true,
  autoApprove: true,
};

describe("ZPolicyInput", () => {
  it("fills defaults for a minimal valid policy", () => {
    expect(ZPolicyInput.parse(minimal)).toEqual({
      name: "Data team S3",
      description: null,
      enabled: true,
      integrationId: null,
      accountIds: [],
      orgUnitIds: [],
      targetTypes: [],
      resourceIds: [],
      permissionSetIds: [],
      groupIds: [],
      tagConditions: [],
      accessLevels: [],
      requesterUserIds: [],
      requesterGroupIds: [],
      allowEveryone: true,
      maxDurationMinutes: 240,
      requireJustification: true,
      requireTicket: false,
      ticketPattern: null,
      autoApprove: true,
      approvalSteps: [],
      pendingTimeoutMinutes: 1440,
    });
  });

  it("trims and de-duplicates", () => {
    const parsed = ZPolicyInput.parse({ ...minimal, name: "  x  ", accountIds: ["111111111111", "111111111111"], targetTypes: ["GROUP", "GROUP"] });
    expect(parsed.name).toBe("x");
    expect(parsed.accountIds).toEqual(["111111111111"]);
    expect(parsed.targetTypes).toEqual(["GROUP"]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["empty name", { name: "  " }, "name: Name is required"],
    ["short duration", { maxDurationMinutes: 10 }, "maxDurationMinutes: Maximum duration must be at least 15 minutes"],
    ["long duration", { maxDurationMinutes: 43_201 }, "maxDurationMinutes: Maximum duration is at most 30 days"],
    ["fractional duration", { maxDurationMinutes: 30.5 }, "maxDurationMinutes: Maximum duration must be whole minutes"],
    ["bad account", { accountIds: ["12345"] }, "accountIds.0: AWS account ids are 12 digits"],
    ["bad OU", { orgUnitIds: ["finance"] }, "orgUnitIds.0: Organizational unit ids look like ou-ab12-cdef3456 (or r-ab12 for the root)"],
    ["bad target type", { targetTypes: ["LAMBDA"] }, "targetTypes.0: Unknown target type"],
    ["no requesters", { allowEveryone: false }, "requesterUserIds: Choose who may request: users, groups, or everyone"],
    ["no steps without auto", { autoApprove: false }, "approvalSteps: Add at least one approval step, or turn on automatic approval"],
    ["steps with auto", { approvalSteps: [{ name: "a", userIds: ["u"], quorum: 1 }] }, "approvalSteps: Automatic approval ignores approval steps; remove them or turn automatic approval off"],
    ["bad regex", { ticketPattern: "([A-Z" }, "ticketPattern: Ticket pattern is not a valid regular expression"],
    ["level of another type", { targetTypes: ["S3_BUCKET"], accessLevels: ["connect"] }, 'accessLevels.0: "connect" is not an access level of the selected target types (read, read-write)'],
    ["unknown level", { accessLevels: ["root"] }, "accessLevels.0"],
    ["short pending timeout", { pendingTimeoutMinutes: 5 }, "pendingTimeoutMinutes: Pending timeout must be at least 15 minutes"],
  ])("refuses %s", (_label, overrides, expected) => {
    const result = ZPolicyInput.safeParse({ ...minimal, ...overrides });
    expect(result.success).toBe(false);
    expect(messages(result).some((m) => m.startsWith(expected))).toBe(true);
  });

  it("accepts a level that exists for one of the selected types", () => {
    expect(ZPolicyInput.safeParse({ ...minimal, targetTypes: ["S3_BUCKET", "EC2_INSTANCE"], accessLevels: ["connect", "read"] }).success).toBe(true);
  });
});

describe("ZApprovalSteps", () => {
  it("accepts steps with users and/or groups", () => {
    expect(ZApprovalSteps.parse([{ name: "Lead", userIds: ["u1", "u1"], quorum: 1 }, { name: "Sec", groupIds: ["g1"], quorum: 3 }])).toEqual([
      { name: "Lead", userIds: ["u1"], groupIds: [], quorum: 1 },
      // Quorum above the named users is allowed with a group: its size is unknown here.
      { name: "Sec", userIds: [], groupIds: ["g1"], quorum: 3 },
    ]);
  });

  it.each<[string, unknown, string]>([
    ["no approvers", [{ name: "x", quorum: 1 }], "0.userIds: Name at least one approver (user or group)"],
    ["zero quorum", [{ name: "x", userIds: ["u"], quorum: 0 }], "0.quorum: Quorum must be at least 1"],
    ["quorum above named users", [{ name: "x", userIds: ["u1", "u2"], quorum: 3 }], "0.quorum: Quorum 3 is more than the 2 approver(s) named"],
    ["no name", [{ name: "", userIds: ["u"], quorum: 1 }], "0.name: Step name is required"],
    ["too many steps", Array.from({ length: 11 }, (_, i) => ({ name: `s${i}`, userIds: ["u"], quorum: 1 })), ": At most 10 approval steps"],
  ])("refuses %s", (_label, input, expected) => {
    expect(messages(ZApprovalSteps.safeParse(input))).toContain(expected);
  });
});

describe("ZTagConditions", () => {
  it("accepts conditions and refuses duplicates and empty value lists", () => {
    expect(ZTagConditions.parse([{ key: "env", values: ["prod", "prod", "stage"] }])).toEqual([{ key: "env", values: ["prod", "stage"] }]);
    expect(messages(ZTagConditions.safeParse([{ key: "env", values: [] }]))).toEqual(["0.values: Give at least one value for the tag"]);
    expect(messages(ZTagConditions.safeParse([{ key: "env", values: ["a"] }, { key: "env", values: ["b"] }]))).toEqual([
      '1.key: Tag "env" appears twice; list all accepted values in one condition',
    ]);
  });
});

describe("compileTicketPattern", () => {
  it("anchors the pattern to the whole ticket", () => {
    const regex = compileTicketPattern("JIRA-\\d+|OPS-\\d+");
    expect(regex?.test("OPS-12")).toBe(true);
    expect(regex?.test("xJIRA-1")).toBe(false);
    expect(regex?.test("JIRA-1x")).toBe(false);
    expect(compileTicketPattern("(")).toBeNull();
  });
});
