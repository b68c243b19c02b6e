import { describe, expect, it } from "vitest";

import { canDecide, nextStepAfterDecision, type TRecordedDecision } from "./approval-steps";

const step = { name: "owners", userIds: ["pr_alice", "pr_bob"], groupIds: ["pr_leads"], quorum: 1 };

describe("canDecide", () => {
  it("allows named users and members of named groups", () => {
    expect(canDecide(step, { principalId: "pr_bob", groupIds: [] }, "pr_carol")).toBe(true);
    expect(canDecide(step, { principalId: "pr_dave", groupIds: ["pr_x", "pr_leads"] }, "pr_carol")).toBe(true);
  });

  it("refuses everyone else", () => {
    expect(canDecide(step, { principalId: "pr_dave", groupIds: ["pr_devs"] }, "pr_carol")).toBe(false);
    expect(canDecide(step, { principalId: null, groupIds: ["pr_leads"] }, "pr_carol")).toBe(false);
  });

  it("never lets the requester approve their own request, named or through a group", () => {
    expect(canDecide(step, { principalId: "pr_alice", groupIds: [] }, "pr_alice")).toBe(false);
    expect(canDecide(step, { principalId: "pr_carol", groupIds: ["pr_leads"] }, "pr_carol")).toBe(false);
  });

  it("still judges an approver when the requester has no principal", () => {
    expect(canDecide(step, { principalId: "pr_alice", groupIds: [] }, null)).toBe(true);
  });
});

const approve = (stepIndex: number, approverId: string): TRecordedDecision => ({ step: stepIndex, decision: "APPROVE", approverId });
const deny = (stepIndex: number, approverId: string): TRecordedDecision => ({ step: stepIndex, decision: "DENY", approverId });

describe("nextStepAfterDecision", () => {
  const steps = [{ quorum: 2 }, { quorum: 1 }];

  it("waits at the first step until its quorum of distinct approvers", () => {
    expect(nextStepAfterDecision(steps, [])).toEqual({ status: "PENDING", currentStep: 0, approvals: 0, quorum: 2 });
    expect(nextStepAfterDecision(steps, [approve(0, "u1"), approve(0, "u1")])).toEqual({ status: "PENDING", currentStep: 0, approvals: 1, quorum: 2 });
  });

  it("moves to the next step when the quorum is met, and approves after the last", () => {
    expect(nextStepAfterDecision(steps, [approve(0, "u1"), approve(0, "u2")])).toEqual({ status: "PENDING", currentStep: 1, approvals: 0, quorum: 1 });
    expect(nextStepAfterDecision(steps, [approve(0, "u1"), approve(0, "u2"), approve(1, "u3")])).toEqual({ status: "APPROVED", approvedSteps: 2 });
  });

  it("denies on one DENY at a reached step, even after approvals", () => {
    expect(nextStepAfterDecision(steps, [approve(0, "u1"), deny(0, "u2")])).toEqual({ status: "DENIED", deniedAtStep: 0 });
    expect(nextStepAfterDecision(steps, [approve(0, "u1"), approve(0, "u2"), deny(1, "u3")])).toEqual({ status: "DENIED", deniedAtStep: 1 });
  });

  it("ignores decisions at steps not reached yet or out of range", () => {
    expect(nextStepAfterDecision(steps, [approve(1, "u3"), deny(1, "u4"), approve(7, "u5")])).toEqual({
      status: "PENDING",
      currentStep: 0,
      approvals: 0,
      quorum: 2,
    });
  });

  it("counts each person's approval at one step only: two steps need two different people", () => {
    const twoSteps = [{ quorum: 1 }, { quorum: 1 }];
    expect(nextStepAfterDecision(twoSteps, [approve(0, "u1"), approve(1, "u1")])).toEqual({ status: "PENDING", currentStep: 1, approvals: 0, quorum: 1 });
    expect(nextStepAfterDecision(twoSteps, [approve(0, "u1"), approve(1, "u1"), approve(1, "u2")])).toEqual({ status: "APPROVED", approvedSteps: 2 });
    // A quorum met by others leaves an extra approver free to count later.
    expect(nextStepAfterDecision(twoSteps, [approve(0, "u1"), approve(0, "u2"), approve(1, "u2")])).toMatchObject({ status: "PENDING", currentStep: 1 });
  });

  it("does not count decisions by the requester", () => {
    const decisions = [approve(0, "requester"), approve(0, "u1")];
    expect(nextStepAfterDecision(steps, decisions, { requesterUserId: "requester" })).toMatchObject({ status: "PENDING", currentStep: 0, approvals: 1 });
    expect(nextStepAfterDecision(steps, [deny(0, "requester")], { requesterUserId: "requester" })).toMatchObject({ status: "PENDING" });
  });

  it("refuses an empty step list instead of approving", () => {
    expect(() => nextStepAfterDecision([], [])).toThrow(expect.objectContaining({ code: "INVALID_APPROVAL_STEPS" }));
  });
});
