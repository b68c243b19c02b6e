import type { TAwsCredentials } from "../aws/aws-clients.ts";
import { rootCredentials, type TRootAuth } from "../aws/aws-credentials.ts";
import { decryptSecret, integrationSecretContext, SecretBoxError } from "../crypto/secret-box.ts";
import { AppError } from "../errors/app-error.ts";
import type { Integration } from "../db/generated/client.ts";

export type TIntegrationAuthRow = Pick<Integration, "id" | "authMethod" | "accessKeyId" | "secretAccessKeyEnc" | "roleArn" | "externalId" | "region" | "ssoRegion">;

/**
 * The management-account credentials of an integration (the stored secret decrypted in memory only).
 * With a role, it is assumed from the server's own credentials (default provider chain) with the
 * external id. Assumes the caller is an admin action, discovery or the worker.
 */
export type TRootAuthProblem = { kind: "no-access-key" } | { kind: "no-role" } | { kind: "undecryptable"; cause: unknown };

/**
 * How an integration reaches its management account, the stored secret decrypted in memory only. The one
 * place that opens the stored secret; `fail` turns a missing or unopenable credential into the caller's error.
 */
export function openRootAuth(row: TIntegrationAuthRow, fail: (problem: TRootAuthProblem) => Error): TRootAuth {
  if (row.authMethod === "ACCESS_KEY") {
    if (!row.accessKeyId || !row.secretAccessKeyEnc) throw fail({ kind: "no-access-key" });
    let secretAccessKey: string;
    try {
      secretAccessKey = decryptSecret(row.secretAccessKeyEnc, integrationSecretContext(row.id));
    } catch (e) {
      throw fail({ kind: "undecryptable", cause: e });
    }
    return { method: "ACCESS_KEY", accessKeyId: row.accessKeyId, secretAccessKey };
  }
  if (!row.roleArn) throw fail({ kind: "no-role" });
  return { method: "ASSUME_ROLE", roleArn: row.roleArn, externalId: row.externalId };
}

/**
 * The management-account credentials of an integration (the stored secret decrypted in memory only).
 * With a role, it is assumed from the server's own credentials (default provider chain) with the
 * external id. Assumes the caller is an admin action, discovery or the worker.
 */
export function integrationCredentials(row: TIntegrationAuthRow): { credentials: TAwsCredentials; region: string; ssoRegion: string } {
  const auth = openRootAuth(row, (p) => {
    if (p.kind === "no-access-key") return new AppError("INVALID_INPUT", { message: "integration without access key", userMessage: "The integration has no secret access key stored: enter it and save." });
    if (p.kind === "no-role") return new AppError("INVALID_INPUT", { message: "integration without role", userMessage: "The integration has no access_role_arn." });
    return new AppError("INVALID_INPUT", {
      message: `stored secret access key cannot be decrypted: ${p.cause instanceof Error ? p.cause.message : String(p.cause)}`,
      userMessage: undecryptableMessage(p.cause),
    });
  });
  return { credentials: rootCredentials(auth, row.region), region: row.region, ssoRegion: row.ssoRegion ?? row.region };
}

/** What the admin can do about a stored secret that does not open: never the value, only which key it names. */
function undecryptableMessage(e: unknown): string {
  if (e instanceof SecretBoxError && e.reason === "mismatch") {
    return "The stored secret access key does not belong to this integration (it was copied from another integration, or altered), so it is not used. Enter the secret access key again and save.";
  }
  if (e instanceof SecretBoxError && e.reason === "malformed") return "The stored secret access key is not in a format this server can read. Enter the secret access key again and save.";
  const named = e instanceof SecretBoxError && e.keyId ? ` (it was encrypted with key id ${e.keyId}, which is neither ENCRYPTION_KEY nor in ENCRYPTION_KEY_PREVIOUS)` : "";
  return `The stored secret access key cannot be decrypted with this server's ENCRYPTION_KEY${named}: was the key changed? Put the previous key in ENCRYPTION_KEY_PREVIOUS, or enter the secret access key again and save.`;
}
