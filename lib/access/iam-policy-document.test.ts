import { describe, expect, it } from "vitest";

import { AccessError } from "./access-error";
import {
  countNonWhitespace,
  INLINE_POLICY_MAX_LENGTH,
  INLINE_POLICY_MAX_NON_WHITESPACE,
  serializePolicyDocument,
  type TPolicyDocument,
  type TPolicyStatement,
} from "./iam-policy-document";

function doc(...statements: TPolicyStatement[]): TPolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

const okStatement: TPolicyStatement = {
  Sid: "Read",
  Effect: "Allow",
  Action: ["s3:GetObject"],
  Resource: "arn:aws:s3:::bucket/*",
};

function errorOf(fn: () => unknown): AccessError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AccessError) return error;
    throw error;
  }
  throw new Error("expected an AccessError");
}

/** A statement whose serialised form adds exactly `size` characters of resource text. */
function bulky(sid: string, size: number): TPolicyStatement {
  return { Sid: sid, Effect: "Allow", Action: ["s3:GetObject"], Resource: `arn:aws:s3:::b/${"k".repeat(size)}` };
}

describe("serializePolicyDocument", () => {
  it("minifies", () => {
    expect(serializePolicyDocument(doc(okStatement))).toBe(
      '{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::bucket/*"}]}',
    );
  });

  it("counts non-whitespace characters", () => {
    expect(countNonWhitespace(" a b\n\tc ")).toBe(3);
  });

  it("accepts a document at exactly the non-whitespace limit and refuses one character more", () => {
    const base = serializePolicyDocument(doc(bulky("Big", 0))).length;
    const atLimit = doc(bulky("Big", INLINE_POLICY_MAX_NON_WHITESPACE - base));
    expect(serializePolicyDocument(atLimit)).toHaveLength(INLINE_POLICY_MAX_NON_WHITESPACE);
    const over = doc(bulky("Big", INLINE_POLICY_MAX_NON_WHITESPACE - base + 1));
    const error = errorOf(() => serializePolicyDocument(over));
    expect(error.code).toBe("POLICY_TOO_LARGE");
    expect(error.message).toContain("10241 non-whitespace");
  });

  it("refuses a document over 32,768 bytes even when whitespace would keep it under the other limit", () => {
    // Spaces inside a condition value count toward length but not toward the non-whitespace limit.
    const spaced: TPolicyStatement = { ...okStatement, Condition: { StringEquals: { "aws:PrincipalTag/x": " ".repeat(INLINE_POLICY_MAX_LENGTH) } } };
    const error = errorOf(() => serializePolicyDocument(doc(spaced)));
    expect(error.code).toBe("POLICY_TOO_LARGE");
    expect(error.message).toMatch(/bytes; Identity Center accepts at most 32768/);
  });

  it.each<[string, TPolicyDocument]>([
    ["a wrong Version", { Version: "2008-10-17", Statement: [okStatement] } as unknown as TPolicyDocument],
    ["no statements", doc()],
    ["a duplicate Sid", doc(okStatement, { ...okStatement })],
    ["a non-alphanumeric Sid", doc({ ...okStatement, Sid: "read-objects" })],
    ["an empty action list", doc({ ...okStatement, Action: [] })],
    ["an action wildcard", doc({ ...okStatement, Action: ["s3:*"] })],
    ["a Deny", doc({ ...okStatement, Effect: "Deny" as "Allow" })],
    ["an empty resource list", doc({ ...okStatement, Resource: [] })],
    ["a scoped action on *", doc({ ...okStatement, Resource: "*" })],
    ["* mixed with an ARN", doc({ Sid: "D", Effect: "Allow", Action: ["ec2:DescribeInstances"], Resource: ["*", "arn:aws:s3:::b"] })],
    ["a Describe statement carrying a scoped action", doc({ Sid: "D", Effect: "Allow", Action: ["ec2:DescribeInstances", "ec2:StopInstances"], Resource: "*" })],
  ])("refuses %s", (_label, document) => {
    expect(errorOf(() => serializePolicyDocument(document)).code).toBe("INVALID_POLICY_DOCUMENT");
  });

  it("allows * for actions AWS only authorises on *", () => {
    expect(() =>
      serializePolicyDocument(doc({ Sid: "D", Effect: "Allow", Action: ["ec2:DescribeInstances"], Resource: "*" })),
    ).not.toThrow();
  });
});
