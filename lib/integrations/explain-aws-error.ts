import type { TAwsErrorInfo } from "../aws/aws-errors.ts";

export type TAwsCheckContext =
  | { kind: "root-credentials"; authMethod: "ACCESS_KEY" | "ASSUME_ROLE"; roleArn?: string | null; externalId?: string | null }
  | { kind: "management-read"; action: string }
  | { kind: "assume-sub-account"; roleArn: string; accountId: string; externalId: string | null }
  | { kind: "account-read"; action: string; roleArn: string };

/** An AWS failure in plain words: what AWS said (its error name) and what the admin should change. */
export type TExplainedError = { error: string; fix: string };

const NETWORK = new Set(["ECONNREFUSED", "ENOTFOUND", "ETIMEDOUT", "ECONNRESET", "EAI_AGAIN", "TimeoutError"]);

/** Services with one global endpoint: a region-deny SCP usually exempts them, and "regions" does not apply. */
const GLOBAL_SERVICES = new Set(["iam", "s3", "organizations", "sts", "route53", "cloudfront", "account"]);

const DENY_SOURCES = ["service control policy", "resource control policy", "permissions boundary", "session policy", "identity-based policy", "resource-based policy"] as const;
type TDenySource = (typeof DENY_SOURCES)[number];

/**
 * Which policy refused the call, from AWS's message: "… with an explicit deny in a service control policy"
 * (explicit) or "… because no permissions boundary allows the … action" (implicit). Null when the message
 * names neither, and for the plain missing permission ("because no identity-based policy allows").
 */
function policyDenial(message: string): { explicit: boolean; source: TDenySource | null; policyArn: string | null } | null {
  // Newer messages name the policy: "… in a service control policy: arn:aws:organizations::1:policy/o-x/service_control_policy/p-y".
  const explicit = /with an explicit deny(?: in an? ([a-z -]+?(?:policy|boundary))(?::? (arn:\S+))?)?/i.exec(message);
  if (explicit) {
    const named = explicit[1]?.toLowerCase();
    return { explicit: true, source: DENY_SOURCES.find((x) => x === named) ?? null, policyArn: explicit[2]?.replace(/[.,;]+$/, "") ?? null };
  }
  const implicit = /because no ([a-z -]+?(?:policy|boundary)) allows/i.exec(message)?.[1]?.toLowerCase();
  const source = DENY_SOURCES.find((x) => x === implicit);
  if (!source || source === "identity-based policy") return null;
  return { explicit: false, source, policyArn: null };
}

/**
 * The fix for a refusal that adding the action to the caller's own policy would not solve: an SCP or RCP
 * of the organization, a permissions boundary, a session policy or an explicit Deny statement. Null when
 * the caller simply lacks the permission. `regional`: the call went to a regional endpoint of a member
 * account whose sub-account entry can list its regions.
 */
function deniedByPolicy(message: string, who: string, action: string, ownPolicy: string, opts: { regional?: boolean; resourcePolicy?: string } = {}): string | null {
  const denial = policyDenial(message);
  if (!denial) return null;
  const verb = denial.explicit ? "denies" : "does not allow";
  const named = denial.policyArn ? ` (${denial.policyArn})` : "";
  const notOwn = `adding it to ${ownPolicy} will not help`;
  switch (denial.source) {
    case "service control policy": {
      const where = opts.regional
        ? ` Region-deny SCPs often cause this: list only the regions the SCP allows in this sub-account entry's "regions", or change the SCP.`
        : " Change the SCP in AWS Organizations (or exempt this identity from it).";
      return `A service control policy (SCP) of the organization${named} ${verb} ${action} for ${who} — ${notOwn}.${where}`;
    }
    case "resource control policy":
      return `A resource control policy (RCP) of the organization${named} ${verb} ${action} for ${who} — ${notOwn}. Change the RCP in AWS Organizations.`;
    case "permissions boundary":
      return denial.explicit
        ? `The permissions boundary of ${who}${named} denies ${action} — ${notOwn}. Remove that Deny from the boundary policy, or attach another boundary.`
        : `The permissions boundary of ${who}${named} does not allow ${action}: add it to the boundary policy too, not only to ${ownPolicy}.`;
    case "session policy":
      return `The session policy of ${who} ${verb} ${action} — ${notOwn}. Change the policy passed when the session is created.`;
    case "resource-based policy":
      return `${opts.resourcePolicy ?? "A resource-based policy (such as a bucket or secret policy)"}${named} explicitly denies ${action} to ${who} — ${notOwn}. Remove or narrow that Deny statement.`;
    default:
      return `A policy${named} explicitly denies ${action} to ${who} — ${notOwn}. Find the Deny statement (in ${ownPolicy} or another policy that applies) and remove or narrow it.`;
  }
}

/**
 * Turns an AWS error into the fix an admin can act on, naming the exact IAM action or trust-policy
 * detail. Raw AWS messages stay in `error` for the admin-only diagnostic view. Pure.
 */
export function explainAwsError(ctx: TAwsCheckContext, info: Pick<TAwsErrorInfo, "name" | "message" | "throttling" | "accessDenied">): TExplainedError {
  const error = `${info.name}: ${info.message}`;
  const fix = (text: string) => ({ error, fix: text });
  if (NETWORK.has(info.name) || /ECONNREFUSED|ENOTFOUND|getaddrinfo/.test(info.message)) {
    return fix("The portal could not reach the AWS endpoint. Check the server's network access (proxy, firewall, AWS_ENDPOINT_URL).");
  }
  if (info.throttling) return fix("AWS kept throttling the calls even after retries. Try again in a minute; if it persists, another tool is using the same API budget.");
  if (["InvalidClientTokenId", "UnrecognizedClientException", "InvalidAccessKeyId", "AuthFailure", "SignatureDoesNotMatch", "IncompleteSignature"].includes(info.name)) {
    // Inside a member account the portal signs with a fresh role session: a refused token there means the
    // region (opt-in, not enabled in that account), not the portal's own key.
    if (ctx.kind === "account-read") {
      return fix(
        `AWS did not accept the role session for ${ctx.action}: usually the region is not enabled (opted in) in this account. Enable the region there, or list only the enabled ones in this entry's "regions".`,
      );
    }
    if (ctx.kind === "root-credentials" && ctx.authMethod === "ASSUME_ROLE") {
      return fix("AWS did not accept the credentials: the server's own credentials (environment, pod identity or instance profile) were refused, or the management role's session is not valid in this region. Check the server's credentials and the integration's region.");
    }
    if (info.name === "SignatureDoesNotMatch" || info.name === "IncompleteSignature") {
      return fix("AWS does not recognise the access key: it was mistyped, deactivated or deleted, or the secret does not belong to it. Create a new access key for the portal's IAM user and paste both parts.");
    }
    // Each partition has its own keys: a GovCloud or China key sent to a commercial endpoint (the default
    // region is us-east-1) is refused as if it did not exist.
    return fix(
      "AWS does not recognise the access key: it was mistyped, deactivated or deleted, or the secret does not belong to it — create a new access key for the portal's IAM user and paste both parts. Or the key belongs to another partition (GovCloud or China): set root_account.region to one of its regions (us-gov-… or cn-…).",
    );
  }
  // STS answers it with HTTP 403, which would otherwise read as a permission (or trust policy) problem.
  if (info.name === "RegionDisabledException") {
    const account = ctx.kind === "assume-sub-account" ? `account ${ctx.accountId}` : "the account AWS names";
    return fix(
      `STS is not activated in the integration's region (root_account.region) for ${account}. Activate it in that account's IAM console (Account settings, Security Token Service (STS) endpoints), or set root_account.region to a region where STS is active.`,
    );
  }
  if (info.name === "ExpiredToken" || info.name === "ExpiredTokenException" || info.name === "RequestExpired") {
    return fix("The credentials have expired. Use long-lived access keys or a role the server can assume, and check the server's clock.");
  }
  switch (ctx.kind) {
    case "root-credentials":
      if (ctx.authMethod === "ASSUME_ROLE" && info.accessDenied) {
        const role = ctx.roleArn ?? "the management role";
        const denied = deniedByPolicy(info.message, "the server's own credentials", `sts:AssumeRole on ${role}`, "their policy", { resourcePolicy: "The role's trust policy" });
        if (denied) return fix(denied);
        return fix(
          `The server's own credentials may not assume ${role}: the role's trust policy must name the server's identity${ctx.externalId ? ` and require exactly the external id "${ctx.externalId}"` : ""}, and the server's identity needs sts:AssumeRole on it.`,
        );
      }
      if (ctx.authMethod === "ASSUME_ROLE" && /credential|provider/i.test(`${info.name} ${info.message}`)) {
        return fix("The server has no AWS credentials of its own to assume the management role with (environment, pod identity or instance profile). Configure them, or use access keys instead.");
      }
      return fix("The management credentials were refused. Check the access key or role and try again.");
    case "management-read":
      if (info.name === "AWSOrganizationsNotInUseException") return fix("This account is not part of an AWS organization. Use the credentials of the organization's management account.");
      if (info.accessDenied) {
        const denied = deniedByPolicy(info.message, "the management credentials", ctx.action, "their policy");
        if (denied) return fix(denied);
        if (ctx.action.startsWith("organizations:") && /don't have permissions to access this resource/i.test(info.message)) {
          // AWS answers this both to a member account and to a management-account identity missing the permission.
          return fix(
            `${ctx.action} was refused: either these credentials are not the organization's management account (or a delegated administrator) — use the management account's — or their policy lacks ${ctx.action} (the Setup helper tab has the exact document).`,
          );
        }
        return fix(`The management credentials lack ${ctx.action} — add it to the policy (the Setup helper tab has the exact document).`);
      }
      if (info.name === "ResourceNotFoundException") return fix(`AWS found nothing for ${ctx.action}: check the Identity Center instance ARN and identity store id.`);
      return fix(`${ctx.action} failed. Check the management credentials' policy against the Setup helper.`);
    case "assume-sub-account":
      if (info.accessDenied || info.name === "AccessDenied") {
        const denied = deniedByPolicy(info.message, "the management credentials", `sts:AssumeRole on ${ctx.roleArn}`, "their policy", { resourcePolicy: "The role's trust policy" });
        if (denied) return fix(denied);
        return fix(
          `AWS refused to let the portal assume ${ctx.roleArn}: the role's trust policy does not allow this external id${ctx.externalId ? ` (the portal sends "${ctx.externalId}")` : " (the portal sends none)"} or the management account as principal, or the role does not exist in account ${ctx.accountId}, or the management credentials' own policy does not allow sts:AssumeRole on it. Deploy the role with the CloudFormation template on the Setup helper tab (its management policy lists every role to assume), or fix the trust policy.`,
        );
      }
      return fix(`Assuming ${ctx.roleArn} failed. Check that the role exists and trusts the management account.`);
    case "account-read":
      if (info.accessDenied || info.name === "UnauthorizedOperation") {
        const regional = !GLOBAL_SERVICES.has(ctx.action.split(":")[0] ?? "");
        const denied = deniedByPolicy(info.message, `the role ${ctx.roleArn}`, ctx.action, "the role's policy", { regional });
        if (denied) return fix(denied);
        return fix(`The role ${ctx.roleArn} lacks ${ctx.action} — add it to the role's policy (the Setup helper lists it).`);
      }
      return fix(`${ctx.action} failed in this account. Try again; if it persists, check the role's policy.`);
  }
}
