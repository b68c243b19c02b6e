import { AssumeRoleCommand, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { awsClients, type TAwsCredentials } from "./aws-clients.ts";
import { sharedAwsRequestHandler } from "./aws-http-handler.ts";
import { withAwsRateLimit } from "./aws-rate-limit.ts";

export type TCallerIdentity = { accountId: string; arn: string; userId: string };

/** Temporary credentials of an assumed role: plain values, usable by any client until `expiration`. */
export type TSessionCredentials = { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration?: Date };

const SESSION_NAME = "jit-access-portal";

/**
 * STS calls as plain functions. STS is metered on the calling (management) account, so its budget
 * is org-wide. Call `destroy()` when done. Assumes the caller already decided these credentials may be used.
 */
export function stsApi(credentials: TAwsCredentials, region: string) {
  let client: ReturnType<typeof awsClients.sts> | undefined;
  const sts = () => (client ??= awsClients.sts({ region, credentials, requestHandler: sharedAwsRequestHandler() }));
  return {
    async getCallerIdentity(): Promise<TCallerIdentity> {
      const out = await withAwsRateLimit("sts", () => sts().send(new GetCallerIdentityCommand({})));
      return { accountId: out.Account ?? "", arn: out.Arn ?? "", userId: out.UserId ?? "" };
    },
    /** One AssumeRole, so every client of the account shares one session instead of each assuming the role. */
    async assumeRole(input: { roleArn: string; externalId?: string | null; durationSeconds?: number }): Promise<TSessionCredentials & { assumedRoleArn: string }> {
      {
        const out = await withAwsRateLimit("sts", () =>
          sts().send(
            new AssumeRoleCommand({
              RoleArn: input.roleArn,
              RoleSessionName: SESSION_NAME,
              DurationSeconds: input.durationSeconds ?? 3600,
              ...(input.externalId ? { ExternalId: input.externalId } : {}),
            }),
          ),
        );
        const c = out.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error("AssumeRole returned no credentials");
        return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration, assumedRoleArn: out.AssumedRoleUser?.Arn ?? "" };
      }
    },
    /** Drops the client; its sockets belong to the shared pool. */
    destroy() {
      client = undefined;
    },
  };
}
