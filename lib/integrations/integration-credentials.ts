import type { TAwsCredentials } from "../aws/aws-clients.ts";
import { rootCredentials } from "../aws/aws-credentials.ts";
import { decryptSecret } from "../crypto/secret-box.ts";
import { AppError } from "../errors/app-error.ts";
import type { Integration } from "../db/generated/client.ts";

export type TIntegrationAuthRow = Pick<Integration, "authMethod" | "accessKeyId" | "secretAccessKeyEnc" | "roleArn" | "externalId" | "region" | "ssoRegion">;

/**
 * The management-account credentials of an integration (the stored secret decrypted in memory only).
 * With a role, it is assumed from the server's own credentials (default provider chain) with the
 * external id. Assumes the caller is an admin action, discovery or the worker.
 */
export function integrationCredentials(row: TIntegrationAuthRow): { credentials: TAwsCredentials; region: string; ssoRegion: string } {
  const region = row.region;
  const ssoRegion = row.ssoRegion ?? row.region;
  if (row.authMethod === "ACCESS_KEY") {
    if (!row.accessKeyId || !row.secretAccessKeyEnc) {
      throw new AppError("INVALID_INPUT", { message: "integration without access key", userMessage: "The integration has no secret access key stored: enter it and save." });
    }
    let secretAccessKey: string;
    try {
      secretAccessKey = decryptSecret(row.secretAccessKeyEnc);
    } catch (e) {
      throw new AppError("INVALID_INPUT", {
        message: `stored secret access key cannot be decrypted: ${e instanceof Error ? e.message : String(e)}`,
        userMessage: "The stored secret access key cannot be decrypted with this server's ENCRYPTION_KEY (was the key changed?). Restore the previous key, or enter the secret access key again and save.",
      });
    }
    return { credentials: rootCredentials({ method: "ACCESS_KEY", accessKeyId: row.accessKeyId, secretAccessKey }, region), region, ssoRegion };
  }
  if (!row.roleArn) throw new AppError("INVALID_INPUT", { message: "integration without role", userMessage: "The integration has no access_role_arn." });
  return { credentials: rootCredentials({ method: "ASSUME_ROLE", roleArn: row.roleArn, externalId: row.externalId }, region), region, ssoRegion };
}
