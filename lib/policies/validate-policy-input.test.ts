import { describe, expect, it } from "vitest";
import { validatePolicyInput } from "./validate-policy-input.ts";

const minimal = { name: "Data team S3", maxDurationMinutes: 240, allowEveryone: true };

function fieldErrors(input: unknown): Record<string, string[]> {
  try {
    validatePolicyInput(input);
  } catch (error) {
    return (error as { details: Record<string, string[]> }).details;
  }
  throw new Error("expected the input to be refused");
}

describe("validatePolicyInput field messages", () => {
  it("names the approval step in plain words, never a raw field path", () => {
    const errors = fieldErrors({ ...minimal, approvalSteps: [{ name: "Leads", groupIds: ["g"], quorum: 1 }, { name: "Security", quorum: 1 }] });
    expect(errors.approvalSteps).toEqual(["Step 2: Name at least one approver (user or group)"]);
  });

  it("numbers tag conditions and shows plain-value list messages once", () => {
    const errors = fieldErrors({ ...minimal, autoApprove: true, tagConditions: [{ key: "env", values: [] }], accountIds: ["1", "2"] });
    expect(errors.tagConditions).toEqual(["Tag condition 1: Give at least one value for the tag"]);
    expect(errors.accountIds).toEqual(["AWS account ids are 12 digits"]);
  });
});
