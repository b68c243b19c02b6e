import { z } from "zod";

/**
 * Reads AccessRequest.targetSnapshot leniently. The snapshot is written at submission (by the requester
 * side) and kept when the target later vanishes, so old rows may lack newer keys: every field is optional
 * and the caller falls back to the live relations. Pure: shared by the approver inbox and notifications.
 */
const ZOptionalText = z
  .unknown()
  .transform((value) => (typeof value === "string" && value.trim() !== "" ? value : typeof value === "number" ? String(value) : null));

const ZTargetSnapshot = z
  .object({
    name: ZOptionalText,
    type: ZOptionalText,
    resourceType: ZOptionalText,
    arn: ZOptionalText,
    region: ZOptionalText,
    accountId: ZOptionalText,
    awsAccountId: ZOptionalText,
    accountName: ZOptionalText,
    ouPath: ZOptionalText,
    orgUnitPath: ZOptionalText,
    permissionSetName: ZOptionalText,
    permissionSetArn: ZOptionalText,
    groupName: ZOptionalText,
    account: z.object({ accountId: ZOptionalText, id: ZOptionalText, name: ZOptionalText, ouPath: ZOptionalText }).partial().nullish(),
  })
  .partial();

export type TTargetSummary = {
  name: string | null;
  type: string | null;
  arn: string | null;
  region: string | null;
  accountId: string | null;
  accountName: string | null;
  ouPath: string | null;
};

export function readTargetSnapshot(json: unknown): TTargetSummary {
  const parsed = ZTargetSnapshot.safeParse(json ?? {});
  const s = parsed.success ? parsed.data : {};
  return {
    name: s.name ?? s.permissionSetName ?? s.groupName ?? null,
    type: s.type ?? s.resourceType ?? null,
    arn: s.arn ?? s.permissionSetArn ?? null,
    region: s.region ?? null,
    accountId: s.accountId ?? s.awsAccountId ?? s.account?.accountId ?? null,
    accountName: s.accountName ?? s.account?.name ?? null,
    ouPath: s.ouPath ?? s.orgUnitPath ?? s.account?.ouPath ?? null,
  };
}
