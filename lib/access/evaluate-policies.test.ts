import { describe, expect, it } from "vitest";

import {
  checkRequestDetails,
  evaluateAccessLevels,
  evaluatePolicies,
  type TEvaluation,
  type TLevelsEvaluation,
  type TEvaluationTarget,
  type TPolicyForEvaluation,
  type TRequester,
} from "./evaluate-policies";

let seq = 0;
function policy(overrides: Partial<TPolicyForEvaluation> = {}): TPolicyForEvaluation {
  seq += 1;
  return {
    id: `pol_${seq}`,
    name: `policy ${String(seq).padStart(3, "0")}`,
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
    requireJustification: false,
    requireTicket: false,
    ticketPattern: null,
    autoApprove: true,
    approvalSteps: [],
    pendingTimeoutMinutes: 1440,
    ...overrides,
  };
}

const bucket: TEvaluationTarget = {
  integrationId: "int_1",
  targetType: "S3_BUCKET",
  resourceId: "res_bucket",
  awsAccountId: "222222222222",
  orgUnitIdPath: "r-ab12/ou-ab12-aaaa1111/ou-ab12-bbbb2222",
  tags: { env: "prod", team: "data" },
};

const alice: TRequester = { principalId: "pr_alice", groupIds: ["pr_devs"] };

const oneStep = (name: string, userIds: string[], quorum = 1, groupIds: string[] = []) => ({ name, userIds, groupIds, quorum });

function reasons(result: TEvaluation): string[] {
  return result.eligible ? [] : result.reasons;
}

function effective(result: TEvaluation) {
  if (!result.eligible) throw new Error(`expected eligible, got: ${result.reasons.join("; ")}`);
  return result.effective;
}

describe("evaluatePolicies: scope", () => {
  it("matches a broad policy and returns its rules", () => {
    const p = policy({ maxDurationMinutes: 120 });
    const result = evaluatePolicies([p], bucket, alice);
    expect(result).toEqual({
      eligible: true,
      matchedPolicyIds: [p.id],
      effective: {
        accessLevel: null,
        allowedAccessLevels: ["read", "read-write"],
        maxDurationMinutes: 120,
        requireJustification: false,
        requireTicket: false,
        ticketPatterns: [],
        autoApprove: true,
        approvalSteps: [],
        governingPolicyId: p.id,
        pendingTimeoutMinutes: 1440,
      },
    });
  });

  it("explains when nothing covers the target", () => {
    const result = evaluatePolicies([policy({ accountIds: ["111111111111"] })], bucket, alice);
    expect(result).toEqual({ eligible: false, reasons: ["No policy covers S3 buckets in account 222222222222"] });
    expect(reasons(evaluatePolicies([], { ...bucket, targetType: "GROUP", groupId: "g", awsAccountId: undefined }, alice))).toEqual([
      "No policy covers groups",
    ]);
  });

  it.each<[string, Partial<TPolicyForEvaluation>, boolean]>([
    ["other integration", { integrationId: "int_2" }, false],
    ["same integration", { integrationId: "int_1" }, true],
    ["other target type", { targetTypes: ["EC2_INSTANCE"] }, false],
    ["listed target type", { targetTypes: ["EC2_INSTANCE", "S3_BUCKET"] }, true],
    ["listed account", { accountIds: ["222222222222"] }, true],
    ["ancestor OU", { orgUnitIds: ["ou-ab12-aaaa1111"] }, true],
    ["own OU", { orgUnitIds: ["ou-ab12-bbbb2222"] }, true],
    ["root", { orgUnitIds: ["r-ab12"] }, true],
    ["sibling OU", { orgUnitIds: ["ou-ab12-cccc3333"] }, false],
    ["OU whose id is a prefix of the target's", { orgUnitIds: ["ou-ab12-bbbb222"] }, false],
    ["listed resource", { resourceIds: ["res_other", "res_bucket"] }, true],
    ["other resource", { resourceIds: ["res_other"] }, false],
    ["only permission sets listed", { permissionSetIds: ["ps_1"] }, false],
    ["matching tag", { tagConditions: [{ key: "env", values: ["dev", "prod"] }] }, true],
    ["every tag condition must hold", { tagConditions: [{ key: "env", values: ["prod"] }, { key: "team", values: ["web"] }] }, false],
    ["tag value case matters", { tagConditions: [{ key: "env", values: ["Prod"] }] }, false],
    ["missing tag", { tagConditions: [{ key: "owner", values: ["x"] }] }, false],
    ["malformed tag conditions match nothing", { tagConditions: [{ key: "env" }] }, false],
    ["disabled", { enabled: false }, false],
  ])("%s", (_label, overrides, covered) => {
    expect(evaluatePolicies([policy(overrides)], bucket, alice).eligible).toBe(covered);
  });

  it("fails tag conditions for an untagged target, and reads only the target's own tags", () => {
    const p = policy({ tagConditions: [{ key: "env", values: ["prod"] }] });
    expect(evaluatePolicies([p], { ...bucket, tags: {} }, alice).eligible).toBe(false);
    const inherited = Object.create({ env: "prod" }) as Record<string, string>;
    expect(evaluatePolicies([p], { ...bucket, tags: inherited }, alice).eligible).toBe(false);
  });

  it("needs an account and OU path when the policy scopes by them", () => {
    const target = { ...bucket, awsAccountId: undefined, orgUnitIdPath: undefined };
    expect(evaluatePolicies([policy({ accountIds: ["222222222222"] })], target, alice).eligible).toBe(false);
    expect(evaluatePolicies([policy({ orgUnitIds: ["r-ab12"] })], target, alice).eligible).toBe(false);
  });

  it("matches permission sets and groups by their own id lists and uses the permission set's tags", () => {
    const ps: TEvaluationTarget = { integrationId: "int_1", targetType: "PERMISSION_SET", permissionSetId: "ps_1", awsAccountId: "222222222222", tags: { tier: "admin" } };
    expect(evaluatePolicies([policy({ permissionSetIds: ["ps_1"], resourceIds: ["res_bucket"] })], ps, alice).eligible).toBe(true);
    expect(evaluatePolicies([policy({ resourceIds: ["ps_1"] })], ps, alice).eligible).toBe(false);
    expect(evaluatePolicies([policy({ tagConditions: [{ key: "tier", values: ["admin"] }] })], ps, alice).eligible).toBe(true);
    const group: TEvaluationTarget = { integrationId: "int_1", targetType: "GROUP", groupId: "pr_oncall", tags: {} };
    expect(evaluatePolicies([policy({ groupIds: ["pr_oncall"] })], group, alice).eligible).toBe(true);
    // A group has no account: an account-scoped policy does not cover it.
    expect(evaluatePolicies([policy({ groupIds: ["pr_oncall"], accountIds: ["222222222222"] })], group, alice).eligible).toBe(false);
  });

  it("throws for a target without the id its type needs", () => {
    expect(() => evaluatePolicies([policy()], { ...bucket, resourceId: undefined }, alice)).toThrow(/needs resourceId/);
    expect(() =>
      evaluatePolicies([policy()], { integrationId: "int_1", targetType: "PERMISSION_SET", permissionSetId: "ps_1", tags: {} }, alice),
    ).toThrow(/awsAccountId/);
  });
});

describe("evaluatePolicies: requester", () => {
  it("accepts listed users and members of listed groups only", () => {
    const byUser = policy({ allowEveryone: false, requesterUserIds: ["pr_alice"] });
    const byGroup = policy({ allowEveryone: false, requesterGroupIds: ["pr_devs"] });
    const other = policy({ allowEveryone: false, requesterUserIds: ["pr_bob"], requesterGroupIds: ["pr_ops"] });
    const nobody = policy({ allowEveryone: false });
    expect(evaluatePolicies([byUser], bucket, alice).eligible).toBe(true);
    expect(evaluatePolicies([byGroup], bucket, alice).eligible).toBe(true);
    expect(evaluatePolicies([other, nobody], bucket, alice)).toEqual({
      eligible: false,
      reasons: ["You are not a requester in any policy that covers this resource"],
    });
  });

  it("refuses a portal user without an Identity Center user, even under allowEveryone", () => {
    expect(reasons(evaluatePolicies([policy()], bucket, { principalId: null, groupIds: [] }))).toEqual([
      "Your portal account is not linked to an IAM Identity Center user, so no access can be granted to you",
    ]);
  });

  it("ignores the rules of a covering policy the requester is not in", () => {
    const strictForOthers = policy({ allowEveryone: false, requesterGroupIds: ["pr_ops"], maxDurationMinutes: 15, autoApprove: false, approvalSteps: [oneStep("ops", ["pr_x"])] });
    const mine = policy({ maxDurationMinutes: 240 });
    const result = evaluatePolicies([strictForOthers, mine], bucket, alice);
    expect(effective(result).maxDurationMinutes).toBe(240);
    expect(effective(result).autoApprove).toBe(true);
    expect(result.eligible && result.matchedPolicyIds).toEqual([mine.id]);
  });
});

describe("evaluatePolicies: access levels", () => {
  it("refuses unknown levels and levels no policy grants", () => {
    const readOnly = policy({ accessLevels: ["read"] });
    expect(reasons(evaluatePolicies([readOnly], bucket, alice, { accessLevel: "admin" }))).toEqual([
      '"admin" is not an access level for S3 buckets',
    ]);
    expect(reasons(evaluatePolicies([readOnly], bucket, alice, { accessLevel: "read-write" }))).toEqual([
      'No policy lets you request "Read and write" access to this resource (you may request: Read)',
    ]);
  });

  it("ignores levels a policy lists that the type does not have", () => {
    const p = policy({ accessLevels: ["connect"] });
    expect(reasons(evaluatePolicies([p], bucket, alice))).toEqual([
      "No policy that covers this resource grants you an access level for S3 buckets",
    ]);
  });

  it("combines only the policies that grant the requested level (auto read, approved write)", () => {
    const autoRead = policy({ name: "a auto read", accessLevels: ["read"], autoApprove: true, maxDurationMinutes: 480 });
    const approvedWrite = policy({
      name: "b approved write",
      accessLevels: ["read-write"],
      autoApprove: false,
      approvalSteps: [oneStep("owners", ["pr_owner"])],
      maxDurationMinutes: 60,
    });
    const read = evaluatePolicies([autoRead, approvedWrite], bucket, alice, { accessLevel: "read" });
    expect(effective(read)).toMatchObject({ accessLevel: "read", autoApprove: true, maxDurationMinutes: 480, allowedAccessLevels: ["read", "read-write"] });
    expect(read.eligible && read.matchedPolicyIds).toEqual([autoRead.id]);

    const write = evaluatePolicies([autoRead, approvedWrite], bucket, alice, { accessLevel: "read-write" });
    expect(effective(write)).toMatchObject({ accessLevel: "read-write", autoApprove: false, maxDurationMinutes: 60, governingPolicyId: approvedWrite.id });
    expect(effective(write).approvalSteps).toEqual([oneStep("owners", ["pr_owner"])]);
  });

  it("applies every policy that grants the level, so a second grant cannot bypass approval", () => {
    const autoAll = policy({ name: "everyone auto", autoApprove: true });
    const approvedAll = policy({ name: "devs approved", allowEveryone: false, requesterGroupIds: ["pr_devs"], autoApprove: false, approvalSteps: [oneStep("lead", ["pr_lead"])] });
    expect(effective(evaluatePolicies([autoAll, approvedAll], bucket, alice, { accessLevel: "read" })).autoApprove).toBe(false);
  });
});

describe("evaluatePolicies: strictest combination", () => {
  it("takes the shortest durations, any justification/ticket requirement and every ticket pattern", () => {
    const a = policy({ maxDurationMinutes: 480, pendingTimeoutMinutes: 60, requireJustification: true, ticketPattern: "[A-Z]+-\\d+" });
    const b = policy({ maxDurationMinutes: 240, pendingTimeoutMinutes: 1440, requireTicket: true, ticketPattern: "OPS-.*" });
    const result = evaluatePolicies([a, b], bucket, alice);
    expect(effective(result)).toMatchObject({
      maxDurationMinutes: 240,
      pendingTimeoutMinutes: 60,
      requireJustification: true,
      requireTicket: true,
      ticketPatterns: ["[A-Z]+-\\d+", "OPS-.*"],
    });
    expect(result.eligible && result.matchedPolicyIds).toEqual([a.id, b.id]);
  });

  it("auto-approves only when every matching policy does", () => {
    const auto1 = policy();
    const auto2 = policy();
    expect(effective(evaluatePolicies([auto1, auto2], bucket, alice)).autoApprove).toBe(true);
    const manual = policy({ autoApprove: false, approvalSteps: [oneStep("one", ["pr_x"])] });
    const result = effective(evaluatePolicies([auto1, manual, auto2], bucket, alice));
    expect(result.autoApprove).toBe(false);
    expect(result.governingPolicyId).toBe(manual.id);
  });

  it("picks the approval steps of the strictest policy: most steps, then total quorum, then name", () => {
    const twoSteps = policy({ name: "zz two steps", autoApprove: false, approvalSteps: [oneStep("a", ["pr_1"]), oneStep("b", ["pr_2"])] });
    const oneBigStep = policy({ name: "aa one step", autoApprove: false, approvalSteps: [oneStep("all", ["pr_1", "pr_2", "pr_3"], 3)] });
    expect(effective(evaluatePolicies([oneBigStep, twoSteps], bucket, alice)).governingPolicyId).toBe(twoSteps.id);

    const quorum2 = policy({ name: "zz quorum 2", autoApprove: false, approvalSteps: [oneStep("a", ["pr_1", "pr_2"], 2)] });
    const quorum1 = policy({ name: "aa quorum 1", autoApprove: false, approvalSteps: [oneStep("a", ["pr_1", "pr_2"], 1)] });
    expect(effective(evaluatePolicies([quorum1, quorum2], bucket, alice)).governingPolicyId).toBe(quorum2.id);

    const tieB = policy({ name: "b tie", autoApprove: false, approvalSteps: [oneStep("x", ["pr_1"])] });
    const tieA = policy({ name: "a tie", autoApprove: false, approvalSteps: [oneStep("y", ["pr_2"])] });
    // Input order does not matter.
    expect(effective(evaluatePolicies([tieB, tieA], bucket, alice)).governingPolicyId).toBe(tieA.id);
    expect(effective(evaluatePolicies([tieA, tieB], bucket, alice)).approvalSteps).toEqual([oneStep("y", ["pr_2"])]);
  });

  it("ignores the steps of an auto-approving policy when choosing the strictest", () => {
    const autoWithSteps = policy({ name: "a", autoApprove: true, approvalSteps: [oneStep("1", ["pr_1"]), oneStep("2", ["pr_2"]), oneStep("3", ["pr_3"])] });
    const manual = policy({ name: "b", autoApprove: false, approvalSteps: [oneStep("only", ["pr_9"])] });
    expect(effective(evaluatePolicies([autoWithSteps, manual], bucket, alice)).approvalSteps).toEqual([oneStep("only", ["pr_9"])]);
  });

  it("fails closed on a matching policy with broken or missing approval steps", () => {
    const good = policy({ autoApprove: true });
    const broken = policy({ name: "Broken", autoApprove: false, approvalSteps: [{ name: "x", quorum: 0 }] });
    expect(reasons(evaluatePolicies([good, broken], bucket, alice))).toEqual([
      'Policy "Broken" has invalid approval steps; ask an administrator to fix it',
    ]);
    const empty = policy({ name: "Empty", autoApprove: false, approvalSteps: [] });
    expect(reasons(evaluatePolicies([good, empty], bucket, alice))).toEqual([
      'Policy "Empty" has invalid approval steps; ask an administrator to fix it',
    ]);
    expect(reasons(evaluatePolicies([good, policy({ name: "NotJson", autoApprove: false, approvalSteps: "nope" })], bucket, alice))).toHaveLength(1);
  });
});

describe("evaluatePolicies: request details", () => {
  const strict = () =>
    policy({ maxDurationMinutes: 240, requireJustification: true, requireTicket: true, ticketPattern: "JIRA-\\d+", autoApprove: false, approvalSteps: [oneStep("lead", ["pr_lead"])] });

  it("accepts a request within the rules", () => {
    const result = evaluatePolicies([strict()], bucket, alice, { accessLevel: "read", durationMinutes: 240, justification: "incident 42", ticket: "JIRA-42" });
    expect(result.eligible).toBe(true);
  });

  it("collects every broken rule", () => {
    expect(reasons(evaluatePolicies([strict()], bucket, alice, { durationMinutes: 480, justification: "  ", ticket: "" }))).toEqual([
      "Duration 8 h exceeds the maximum of 4 h",
      "A justification is required",
      "A ticket reference is required",
    ]);
  });

  it("matches the whole ticket against each pattern", () => {
    expect(reasons(evaluatePolicies([strict()], bucket, alice, { ticket: "see JIRA-42 please" }))).toEqual([
      'Ticket "see JIRA-42 please" does not have the required format',
    ]);
  });

  it("refuses durations that are not whole minutes or too short", () => {
    for (const durationMinutes of [0, -5, 14, 30.5, Number.NaN]) {
      expect(reasons(evaluatePolicies([policy()], bucket, alice, { durationMinutes })), String(durationMinutes)).toEqual([
        "Duration must be a whole number of minutes, at least 15",
      ]);
    }
  });

  it("refuses when an approval step cannot reach quorum without the requester", () => {
    const p = policy({ autoApprove: false, approvalSteps: [oneStep("owners", ["pr_alice", "pr_bob"], 2)] });
    expect(reasons(evaluatePolicies([p], bucket, alice))).toEqual([
      'Approval step "owners" needs 2 approver(s) other than you, but only 1 can approve; ask an administrator',
    ]);
    expect(evaluatePolicies([p], bucket, { principalId: "pr_carol", groupIds: [] }).eligible).toBe(true);
    // Group sizes are unknown here: a step with a group is left to time out if nobody can approve.
    const withGroup = policy({ autoApprove: false, approvalSteps: [oneStep("owners", ["pr_alice"], 2, ["pr_owners"])] });
    expect(evaluatePolicies([withGroup], bucket, alice).eligible).toBe(true);
  });

  it("refuses when steps naming only users need more different people than they name", () => {
    const same = policy({ autoApprove: false, approvalSteps: [oneStep("lead", ["pr_bob"], 1), oneStep("security", ["pr_bob", "pr_alice"], 1)] });
    // Bob cannot approve both steps, and Alice (the requester) cannot approve her own.
    expect(reasons(evaluatePolicies([same], bucket, alice))).toEqual(["The approval steps need 2 different approvers other than you, but name only 1; ask an administrator"]);
    expect(evaluatePolicies([same], bucket, { principalId: "pr_carol", groupIds: [] }).eligible).toBe(true);
  });

  it("flags an invalid stored ticket pattern instead of throwing", () => {
    expect(checkRequestDetails({ maxDurationMinutes: 60, requireJustification: false, requireTicket: true, ticketPatterns: ["("] }, { ticket: "X-1" })).toEqual([
      "A policy's ticket pattern is invalid; ask an administrator to fix it",
    ]);
  });
});

describe("evaluateAccessLevels: each level judged on its own, as submit judges it", () => {
  // P1: everyone may read, automatically, 8 h. P2: read-write, approved by Alice alone, 1 h.
  const p1 = () => policy({ name: "P1 read", accessLevels: ["read"], autoApprove: true, maxDurationMinutes: 480 });
  const p2 = (overrides: Partial<TPolicyForEvaluation> = {}) =>
    policy({ name: "P2 write", accessLevels: ["read-write"], autoApprove: false, approvalSteps: [oneStep("Lead", ["pr_alice"])], maxDurationMinutes: 60, ...overrides });
  const levelIds = (result: TLevelsEvaluation) => (result.eligible ? result.levels.map((l) => l.accessLevel) : result.reasons);

  it("offers read to the only approver of the write policy, with read's own rules, as submitting read does", () => {
    const policies = [p1(), p2()];
    const result = evaluateAccessLevels(policies, bucket, alice);
    expect(levelIds(result)).toEqual(["read"]);
    const submitted = effective(evaluatePolicies(policies, bucket, alice, { accessLevel: "read" }));
    if (result.eligible) expect(result.levels[0]!.effective).toEqual(submitted);
    expect(submitted).toMatchObject({ autoApprove: true, maxDurationMinutes: 480 });
  });

  it("a policy with malformed steps for read-write does not hide read from anyone it covers", () => {
    const policies = [p1(), p2({ approvalSteps: [{ name: "broken" }] })];
    const bob: TRequester = { principalId: "pr_bob", groupIds: [] };
    for (const requester of [alice, bob]) {
      const result = evaluateAccessLevels(policies, bucket, requester);
      expect(levelIds(result)).toEqual(["read"]);
    }
  });

  it("gives each level its own approval and maximum, not the strictest over all levels", () => {
    const result = evaluateAccessLevels([p1(), p2({ approvalSteps: [oneStep("Lead", ["pr_bob"])] })], bucket, alice);
    if (!result.eligible) throw new Error(result.reasons.join("; "));
    expect(result.levels.map((l) => [l.accessLevel, l.effective.autoApprove, l.effective.maxDurationMinutes])).toEqual([
      ["read", true, 480],
      ["read-write", false, 60],
    ]);
  });

  it("is ineligible only when no level is, with the levels' reasons (and coverage reasons as before)", () => {
    const result = evaluateAccessLevels([p2()], bucket, alice);
    expect(result).toEqual({ eligible: false, reasons: [expect.stringMatching(/Approval step "Lead" needs 1 approver\(s\) other than you/)] });
    expect(evaluateAccessLevels([p1()], bucket, { principalId: null, groupIds: [] })).toMatchObject({ eligible: false, reasons: [expect.stringMatching(/not linked/)] });
    expect(evaluateAccessLevels([], bucket, alice)).toEqual({ eligible: false, reasons: ["No policy covers S3 buckets in account 222222222222"] });
  });
});
