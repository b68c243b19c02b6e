import "server-only";
import type { TTx } from "../audit/append-audit-event.ts";
import type { TApprovalStep } from "../access/policy-schemas.ts";
import { grantedKey, portalGrantedGroups } from "../access/resolve-portal-identity.ts";

export type TStepApprover = {
  principalId: string;
  displayName: string;
  email: string | null;
  /** The portal account with the same email, when the person has signed in before. */
  userId: string | null;
};

/**
 * The people who may decide a step: the Identity Center users it names plus the current members of the
 * groups it names, minus the requester (by Principal id and by portal user) and disabled portal accounts. Read-only; used to address
 * notifications, never to authorize (decisions re-check canDecide against the snapshot).
 */
export async function findStepApprovers(
  tx: TTx,
  input: { step: Pick<TApprovalStep, "userIds" | "groupIds">; requesterPrincipalId: string | null; requesterUserId: string },
): Promise<TStepApprover[]> {
  const memberships = input.step.groupIds.length
    ? await tx.principalMembership.findMany({
        where: { groupId: { in: input.step.groupIds } },
        select: { memberId: true, member: { select: { awsId: true } }, group: { select: { awsId: true, integrationId: true } } },
      })
    : [];
  // A membership the portal itself granted does not make an approver (canDecide's caller drops it too).
  const granted = memberships.length ? await portalGrantedGroups(tx, memberships[0]!.group.integrationId, memberships.map((m) => m.member.awsId)) : new Set<string>();
  const groupMembers = memberships.filter((m) => !granted.has(grantedKey(m.member.awsId, m.group.awsId))).map((m) => m.memberId);
  const principalIds = [...new Set([...input.step.userIds, ...groupMembers])].filter(
    (id) => id !== input.requesterPrincipalId,
  );
  if (principalIds.length === 0) return [];
  const principals = (
    await tx.principal.findMany({
      where: { id: { in: principalIds }, type: "USER", deletedAt: null },
      select: { id: true, awsId: true, displayName: true, email: true },
    })
  ).filter((p) => p.awsId !== input.requesterPrincipalId); // the requester's id may be stored as the AWS UserId
  const emails = principals.map((p) => p.email).filter((e): e is string => Boolean(e));
  const users = emails.length
    ? await tx.user.findMany({ where: { email: { in: emails, mode: "insensitive" } }, select: { id: true, email: true, disabled: true } })
    : [];
  const userByEmail = new Map(users.map((u) => [u.email.toLowerCase(), u]));
  // A disabled portal account cannot decide anything: it gets no request (nor its justification) by email either.
  return principals
    .map((p) => ({ p, user: p.email ? userByEmail.get(p.email.toLowerCase()) : undefined }))
    .filter(({ user }) => !user?.disabled)
    .map(({ p, user }) => ({ principalId: p.id, displayName: p.displayName, email: p.email, userId: user?.id ?? null }))
    .filter((a) => a.userId !== input.requesterUserId);
}
