import { AccessError } from "./access-error";

/**
 * The IAM policy documents the portal writes into temporary permission sets, and the one place they are
 * turned into text. Serialisation validates what makes a document safe to hand to
 * `PutInlinePolicyToPermissionSet`: the fixed Version, a unique Sid per statement, Allow only, no
 * wildcard resource except for the actions AWS only authorises on "*", and Identity Center's size limits.
 */

export type TPolicyCondition = Record<string, Record<string, string | string[]>>;

export type TPolicyStatement = {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: string | string[];
  Condition?: TPolicyCondition;
};

export type TPolicyDocument = {
  Version: "2012-10-17";
  Statement: TPolicyStatement[];
};

/** Identity Center: one inline policy per permission set, at most 32,768 characters … */
export const INLINE_POLICY_MAX_LENGTH = 32_768;
/** … of which at most 10,240 may be non-whitespace. */
export const INLINE_POLICY_MAX_NON_WHITESPACE = 10_240;

/**
 * Actions that do not support resource-level permissions, so AWS requires `"Resource": "*"` for them.
 * A statement may use "*" only when every action in it is listed here; anything else on "*" is a bug
 * that would grant the action on every resource of the account.
 */
export const ACTIONS_REQUIRING_WILDCARD_RESOURCE: ReadonlySet<string> = new Set([
  "ec2:DescribeInstances",
  "ec2:DescribeInstanceStatus",
  "ssm:DescribeInstanceProperties",
  "ssm:DescribeSessions",
  "ssm:GetConnectionStatus",
]);

const SID = /^[A-Za-z0-9]+$/;
const ACTION = /^[a-z0-9-]+:[A-Za-z0-9]+$/;

function invalid(message: string): AccessError {
  return new AccessError("INVALID_POLICY_DOCUMENT", {
    message,
    userMessage: "The access policy for this resource could not be built.",
  });
}

function validateDocument(document: TPolicyDocument): void {
  if (document.Version !== "2012-10-17") throw invalid("Version must be 2012-10-17");
  if (document.Statement.length === 0) throw invalid("a policy needs at least one statement");
  const sids = new Set<string>();
  for (const statement of document.Statement) {
    if (!SID.test(statement.Sid)) throw invalid(`Sid "${statement.Sid}" must be alphanumeric`);
    if (sids.has(statement.Sid)) throw invalid(`duplicate Sid "${statement.Sid}"`);
    sids.add(statement.Sid);
    if (statement.Effect !== "Allow") throw invalid(`${statement.Sid}: only Allow statements are generated`);
    if (statement.Action.length === 0) throw invalid(`${statement.Sid}: no actions`);
    for (const action of statement.Action) {
      // No `s3:*`-style wildcards: every action is named.
      if (!ACTION.test(action)) throw invalid(`${statement.Sid}: action "${action}" must be service:Name without wildcards`);
    }
    const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
    if (resources.length === 0) throw invalid(`${statement.Sid}: no resources`);
    if (resources.includes("*")) {
      if (resources.length !== 1) throw invalid(`${statement.Sid}: "*" must be the only resource`);
      const scoped = statement.Action.filter((action) => !ACTIONS_REQUIRING_WILDCARD_RESOURCE.has(action));
      if (scoped.length > 0) {
        throw invalid(`${statement.Sid}: ${scoped.join(", ")} support resource-level permissions and must not use "*"`);
      }
    }
  }
}

/** Counts what Identity Center counts against the 10,240 limit. */
export function countNonWhitespace(text: string): number {
  return text.replace(/\s/g, "").length;
}

/**
 * Validates and minifies a document for `PutInlinePolicyToPermissionSet`.
 * Throws `AccessError("POLICY_TOO_LARGE")` when it would exceed Identity Center's inline-policy limits
 * (length counted in UTF-8 bytes, which is never less than the character count AWS documents).
 */
export function serializePolicyDocument(document: TPolicyDocument): string {
  validateDocument(document);
  const text = JSON.stringify(document);
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > INLINE_POLICY_MAX_LENGTH) {
    throw new AccessError("POLICY_TOO_LARGE", {
      message: `Inline policy is ${bytes} bytes; Identity Center accepts at most ${INLINE_POLICY_MAX_LENGTH}.`,
      userMessage: "The access policy for this resource is too large for IAM Identity Center.",
    });
  }
  const nonWhitespace = countNonWhitespace(text);
  if (nonWhitespace > INLINE_POLICY_MAX_NON_WHITESPACE) {
    throw new AccessError("POLICY_TOO_LARGE", {
      message: `Inline policy has ${nonWhitespace} non-whitespace characters; Identity Center accepts at most ${INLINE_POLICY_MAX_NON_WHITESPACE}.`,
      userMessage: "The access policy for this resource is too large for IAM Identity Center.",
    });
  }
  return text;
}
