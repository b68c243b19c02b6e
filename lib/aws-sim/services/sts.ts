import { randomBytes } from "node:crypto";
import { SimError } from "../errors";
import type { CallContext, SimRuntime } from "../runtime";
import { accountRootArn, roleArn as roleArnOf } from "../state";
import type { SimCredential, SimRole, SimState } from "../types";
import { el, isoSeconds, randomAlnum, resourcesOf } from "../util";
import { validators } from "../validate";

const v = validators("ValidationError");
/** A role ARN in the simulator's partition; one naming another partition is as invalid as a malformed one. */
const ROLE_ARN_RE = /^arn:([\w-]+):iam::(\d{12}):role\/(?:[\x21-\x7E]*\/)?([\w+=,.@-]+)$/;

const asList = (x: unknown): unknown[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

/** Whether a trust policy statement's Principal names the caller (account id, account root, role or user ARN). */
function principalMatches(st: SimState, principal: unknown, caller: SimCredential): boolean {
  if (principal === "*") return true;
  if (!principal || typeof principal !== "object") return false;
  const aws = asList((principal as Record<string, unknown>).AWS);
  return aws.some((p) => {
    if (p === "*") return true;
    if (typeof p !== "string") return false;
    if (p === caller.accountId || p === accountRootArn(st, caller.accountId)) return true;
    return p === caller.arn || (caller.roleArn !== undefined && p === caller.roleArn);
  });
}

function conditionMatches(condition: unknown, externalId: string | undefined): boolean {
  if (!condition || typeof condition !== "object") return true;
  for (const [operator, clauses] of Object.entries(condition as Record<string, Record<string, unknown>>)) {
    for (const [key, expected] of Object.entries(clauses ?? {})) {
      if (key.toLowerCase() !== "sts:externalid") return false; // other context keys are never present here
      const values = asList(expected).map(String);
      if (externalId === undefined) return false;
      if (operator === "StringEquals" && !values.includes(externalId)) return false;
      if (operator === "StringLike" && !values.some((p) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`).test(externalId))) return false;
      if (operator !== "StringEquals" && operator !== "StringLike") return false;
    }
  }
  return true;
}

export function trustAllows(st: SimState, role: SimRole, caller: SimCredential, externalId: string | undefined): boolean {
  let doc: { Statement?: unknown };
  try {
    doc = JSON.parse(role.trustPolicy) as { Statement?: unknown };
  } catch {
    return false;
  }
  let allowed = false;
  for (const s of asList(doc.Statement) as Record<string, unknown>[]) {
    const actions = asList(s.Action).map(String);
    if (!actions.some((a) => a === "sts:AssumeRole" || a === "sts:*" || a === "*")) continue;
    if (!principalMatches(st, s.Principal, caller) || !conditionMatches(s.Condition, externalId)) continue;
    if (s.Effect === "Deny") return false;
    if (s.Effect === "Allow") allowed = true;
  }
  return allowed;
}

export function sts(rt: SimRuntime, ctx: CallContext, q: URLSearchParams): string {
  const caller = ctx.caller;
  if (ctx.operation === "GetCallerIdentity") {
    return el("Arn", caller.arn) + el("UserId", caller.userId) + el("Account", caller.accountId);
  }
  if (ctx.operation !== "AssumeRole") throw new SimError("InvalidAction", `Could not find operation ${ctx.operation} for version 2011-06-15`);
  const input = Object.fromEntries(q);
  const roleArn = v.length(v.required(input, "RoleArn", "roleArn"), 20, 2048, "roleArn");
  const sessionName = v.pattern(v.length(v.required(input, "RoleSessionName", "roleSessionName"), 2, 64, "roleSessionName"), /^[\w+=,.@-]*$/, "roleSessionName", "[\\w+=,.@-]*");
  const externalId = input.ExternalId;
  if (externalId !== undefined) v.pattern(v.length(externalId, 2, 1224, "externalId"), /^[\w+=,.@:/-]*$/, "externalId", "[\\w+=,.@:\\/-]*");
  const duration = v.int(input, "DurationSeconds", 900, 43200, 3600, "durationSeconds");
  const m = ROLE_ARN_RE.exec(roleArn);
  const denied = () =>
    new SimError("AccessDenied", `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
  if (!m || m[1] !== rt.state.partition) throw new SimError("ValidationError", `${roleArn} is invalid`);
  const accountId = m[2]!;
  const roleName = m[3]!;
  const role = rt.state.accounts.has(accountId) ? resourcesOf(rt.state, accountId).roles.get(roleName) : undefined;
  if (!role || roleArnOf(rt.state, accountId, role) !== roleArn) throw denied();
  if (!trustAllows(rt.state, role, caller, externalId)) throw denied();
  if (caller.assumed && duration > 3600) {
    throw new SimError("ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");
  }
  if (duration > role.maxSessionDuration) {
    throw new SimError("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  }
  if (rt.state.credentials.size > 50_000) {
    // long benchmark runs issue many sessions; expired ones can never authenticate again
    for (const [id, c] of rt.state.credentials) if (c.expiresAt !== undefined && c.expiresAt <= ctx.now) rt.state.credentials.delete(id);
  }
  const accessKeyId = `ASIA${randomAlnum(16)}`;
  const secretAccessKey = randomBytes(30).toString("base64");
  const sessionToken = `FwoGZXIvYXdzE${randomBytes(96).toString("base64")}`;
  const expiresAt = ctx.now + duration * 1000;
  const assumedArn = `arn:${rt.state.partition}:sts::${accountId}:assumed-role/${role.roleName}/${sessionName}`;
  const assumedRoleId = `${role.roleId}:${sessionName}`;
  rt.state.credentials.set(accessKeyId, {
    accessKeyId,
    secretAccessKey,
    sessionToken,
    accountId,
    arn: assumedArn,
    roleArn,
    userId: assumedRoleId,
    expiresAt,
    assumed: true,
  });
  return (
    "<Credentials>" +
    el("AccessKeyId", accessKeyId) +
    el("SecretAccessKey", secretAccessKey) +
    el("SessionToken", sessionToken) +
    el("Expiration", isoSeconds(expiresAt)) +
    "</Credentials>" +
    `<AssumedRoleUser>${el("AssumedRoleId", assumedRoleId)}${el("Arn", assumedArn)}</AssumedRoleUser>`
  );
}
