import "server-only";
import { z } from "zod";
import type { TTx } from "../audit/append-audit-event.ts";
import type { TDb } from "../db/client.ts";
import type { TEvaluationTarget } from "../access/evaluate-policies";
import type { TGrantTarget } from "../access/build-grant-permissions";
import { isResourceType, type TTargetType } from "../access/target-types";
import { MANAGEMENT_LINKS, managementOutOfReach, permissionSetOutOfReach } from "../access/target-availability.ts";
import { AppError } from "../errors/app-error.ts";
import { tagsOf } from "./load-eligibility-context.ts";

/** How a page, a form or an action names one catalog target. */
export const ZTargetRef = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("RESOURCE"), resourceId: z.string().trim().min(1).max(64) }),
  z.object({
    kind: z.literal("PERMISSION_SET"),
    permissionSetId: z.string().trim().min(1).max(64),
    accountId: z.string().trim().regex(/^\d{12}$/, "Account ids are 12 digits"),
  }),
  z.object({ kind: z.literal("GROUP"), groupId: z.string().trim().min(1).max(64) }),
]);
export type TTargetRef = z.infer<typeof ZTargetRef>;

export type TTargetSnapshot = {
  type: TTargetType;
  name: string;
  arn: string | null;
  region: string | null;
  accountId: string | null;
  accountName: string | null;
  ouPath: string | null;
  tags: Record<string, string>;
};

export type TRequestTarget = {
  integrationId: string;
  targetType: TTargetType;
  /** Foreign keys for AccessRequest. */
  resourceId: string | null;
  permissionSetId: string | null;
  accountRowId: string | null;
  groupId: string | null;
  evaluation: TEvaluationTarget;
  grantTarget: TGrantTarget;
  snapshot: TTargetSnapshot;
};

/** The catalog reference of what a stored request asks for (to load it again, live). */
export function targetRefOfRequest(request: { targetType: string; resourceId: string | null; permissionSetId: string | null; groupId: string | null; account: { accountId: string } | null }): TTargetRef {
  if (request.targetType === "PERMISSION_SET") return { kind: "PERMISSION_SET", permissionSetId: request.permissionSetId ?? "", accountId: request.account?.accountId ?? "" };
  if (request.targetType === "GROUP") return { kind: "GROUP", groupId: request.groupId ?? "" };
  return { kind: "RESOURCE", resourceId: request.resourceId ?? "" };
}

const notFound = () =>
  new AppError("NOT_FOUND", { message: "catalog target not found", userMessage: "That item is not in the catalog (it may have been removed from AWS)." });

const outOfReach = () =>
  new AppError("CONFLICT", {
    message: "catalog target is in the management account, out of reach of a delegated administrator",
    userMessage: "This is in the organization's management account. The portal is connected as IAM Identity Center's delegated administrator, and AWS lets only the management account grant access there.",
  });

const setOutOfReach = () =>
  new AppError("CONFLICT", {
    message: "permission set is provisioned to the management account, out of reach of a delegated administrator",
    userMessage:
      "This permission set is also provisioned to the organization's management account. The portal is connected as IAM Identity Center's delegated administrator, and AWS lets only the management account assign such a permission set. Ask an administrator for a permission set used only in member accounts.",
  });

/**
 * Loads a live catalog target (not soft-deleted, in an ACTIVE account) with everything eligibility, the policy preview and the
 * request snapshot need. Throws NOT_FOUND for anything missing or deleted. Read-only; assumes the caller
 * authenticated the user (catalog data is visible to every signed-in user).
 */
export async function loadRequestTarget(db: TDb | TTx, ref: TTargetRef): Promise<TRequestTarget> {
  if (ref.kind === "RESOURCE") {
    const resource = await db.resource.findFirst({
      where: { id: ref.resourceId, deletedAt: null, account: { deletedAt: null, state: "ACTIVE" }, integration: { enabled: true } },
      include: { account: { include: { orgUnit: true } }, integration: { select: { rootAccountId: true } } },
    });
    if (!resource || !isResourceType(resource.type)) throw notFound();
    if (managementOutOfReach(resource.integration, resource.account)) throw outOfReach();
    const tags = tagsOf(resource.tags);
    const account = resource.account;
    return {
      integrationId: resource.integrationId,
      targetType: resource.type,
      resourceId: resource.id,
      permissionSetId: null,
      accountRowId: account.id,
      groupId: null,
      evaluation: {
        integrationId: resource.integrationId,
        targetType: resource.type,
        resourceId: resource.id,
        awsAccountId: account.accountId,
        orgUnitIdPath: account.orgUnit?.idPath,
        tags,
      },
      grantTarget: { type: resource.type, arn: resource.arn, name: resource.name, awsAccountId: account.accountId },
      snapshot: {
        type: resource.type,
        name: resource.name,
        arn: resource.arn,
        region: resource.region,
        accountId: account.accountId,
        accountName: account.name,
        ouPath: account.orgUnit?.path ?? null,
        tags,
      },
    };
  }
  if (ref.kind === "PERMISSION_SET") {
    const link = await db.permissionSetAccount.findFirst({
      where: {
        permissionSetId: ref.permissionSetId,
        deletedAt: null,
        account: { accountId: ref.accountId, deletedAt: null, state: "ACTIVE" },
        permissionSet: { deletedAt: null, portalManaged: false, integration: { enabled: true } },
      },
      include: {
        permissionSet: { include: { integration: { select: { rootAccountId: true } }, accounts: MANAGEMENT_LINKS } },
        account: { include: { orgUnit: true } },
      },
    });
    if (!link || link.account.integrationId !== link.permissionSet.integrationId) throw notFound();
    if (managementOutOfReach(link.permissionSet.integration, link.account)) throw outOfReach();
    if (permissionSetOutOfReach(link.permissionSet.integration, link.permissionSet.accounts)) throw setOutOfReach();
    const { permissionSet, account } = link;
    const tags = tagsOf(permissionSet.tags);
    return {
      integrationId: permissionSet.integrationId,
      targetType: "PERMISSION_SET",
      resourceId: null,
      permissionSetId: permissionSet.id,
      accountRowId: account.id,
      groupId: null,
      evaluation: {
        integrationId: permissionSet.integrationId,
        targetType: "PERMISSION_SET",
        permissionSetId: permissionSet.id,
        awsAccountId: account.accountId,
        orgUnitIdPath: account.orgUnit?.idPath,
        tags,
      },
      grantTarget: { type: "PERMISSION_SET", permissionSetArn: permissionSet.arn, name: permissionSet.name },
      snapshot: {
        type: "PERMISSION_SET",
        name: permissionSet.name,
        arn: permissionSet.arn,
        region: null,
        accountId: account.accountId,
        accountName: account.name,
        ouPath: account.orgUnit?.path ?? null,
        tags,
      },
    };
  }
  const group = await db.principal.findFirst({
    where: { id: ref.groupId, type: "GROUP", deletedAt: null, integration: { enabled: true } },
  });
  if (!group) throw notFound();
  return {
    integrationId: group.integrationId,
    targetType: "GROUP",
    resourceId: null,
    permissionSetId: null,
    accountRowId: null,
    groupId: group.id,
    evaluation: { integrationId: group.integrationId, targetType: "GROUP", groupId: group.id, tags: {} },
    grantTarget: { type: "GROUP", groupId: group.awsId, displayName: group.displayName },
    snapshot: { type: "GROUP", name: group.displayName, arn: null, region: null, accountId: null, accountName: null, ouPath: null, tags: {} },
  };
}
