import type { TAwsErrorInfo } from "../aws/aws-errors.ts";

export type TAwsCheckContext =
  | { kind: "root-credentials"; authMethod: "ACCESS_KEY" | "ASSUME_ROLE"; roleArn?: string | null; externalId?: string | null }
  | { kind: "management-read"; action: string }
  | { kind: "assume-sub-account"; roleArn: string; accountId: string; externalId: string | null }
  | { kind: "account-read"; action: string; roleArn: string };

/** An AWS failure in plain words: what AWS said (its error name) and what the admin should change. */
export type TExplainedError = { error: string; fix: string };

const NETWORK = new Set(["ECONNREFUSED", "ENOTFOUND", "ETIMEDOUT", "ECONNRESET", "EAI_AGAIN", "TimeoutError"]);

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
    return fix("AWS does not recognise the access key: it was mistyped, deactivated or deleted, or the secret does not belong to it. Create a new access key for the portal's IAM user and paste both parts.");
  }
  if (info.name === "ExpiredToken" || info.name === "ExpiredTokenException" || info.name === "RequestExpired") {
    return fix("The credentials have expired. Use long-lived access keys or a role the server can assume, and check the server's clock.");
  }
  switch (ctx.kind) {
    case "root-credentials":
      if (ctx.authMethod === "ASSUME_ROLE" && info.accessDenied) {
        return fix(
          `The server's own credentials may not assume ${ctx.roleArn ?? "the management role"}: the role's trust policy must name the server's identity${ctx.externalId ? ` and require exactly the external id "${ctx.externalId}"` : ""}, and the server's identity needs sts:AssumeRole on it.`,
        );
      }
      if (ctx.authMethod === "ASSUME_ROLE" && /credential|provider/i.test(`${info.name} ${info.message}`)) {
        return fix("The server has no AWS credentials of its own to assume the management role with (environment, pod identity or instance profile). Configure them, or use access keys instead.");
      }
      return fix("The management credentials were refused. Check the access key or role and try again.");
    case "management-read":
      if (info.name === "AWSOrganizationsNotInUseException") return fix("This account is not part of an AWS organization. Use the credentials of the organization's management account.");
      if (info.accessDenied) {
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
        return fix(
          `AWS refused to let the portal assume ${ctx.roleArn}: the role's trust policy does not allow this external id${ctx.externalId ? ` (the portal sends "${ctx.externalId}")` : " (the portal sends none)"} or the management account as principal, or the role does not exist in account ${ctx.accountId}, or the management credentials' own policy does not allow sts:AssumeRole on it. Deploy the role with the CloudFormation template on the Setup helper tab (its management policy lists every role to assume), or fix the trust policy.`,
        );
      }
      if (info.name === "RegionDisabledException") return fix("STS is disabled in this region for the account. Activate the region in the account's settings or use another region.");
      return fix(`Assuming ${ctx.roleArn} failed. Check that the role exists and trusts the management account.`);
    case "account-read":
      if (info.accessDenied || info.name === "UnauthorizedOperation") {
        return fix(`The role ${ctx.roleArn} lacks ${ctx.action} — add it to the role's policy (the Setup helper lists it).`);
      }
      return fix(`${ctx.action} failed in this account. Try again; if it persists, check the role's policy.`);
  }
}
