import {
  CreateGroupMembershipCommand,
  DeleteGroupMembershipCommand,
  GetGroupMembershipIdCommand,
  GetUserIdCommand,
  type IdentitystoreClient,
} from "@aws-sdk/client-identitystore";
import { awsErrorInfo } from "./aws-errors.ts";
import { withAwsRateLimit } from "./aws-rate-limit.ts";

/**
 * Typed identitystore operations for the provisioning worker, under the shared identitystore
 * rate limit. No authorization here: the worker acts on grants the portal already approved.
 */
export type TIdentityStore = { ids: IdentitystoreClient; identityStoreId: string };

function ids<T>(fn: () => Promise<T>): Promise<T> {
  return withAwsRateLimit("identitystore", fn);
}

async function getUserIdBy(store: TIdentityStore, attributePath: "emails.value" | "userName", value: string): Promise<string | null> {
  try {
    const out = await ids(() =>
      store.ids.send(
        new GetUserIdCommand({
          IdentityStoreId: store.identityStoreId,
          AlternateIdentifier: { UniqueAttribute: { AttributePath: attributePath, AttributeValue: value } },
        }),
      ),
    );
    return out.UserId ?? null;
  } catch (e) {
    if (awsErrorInfo(e).notFound) return null;
    throw e;
  }
}

/**
 * The Identity Center UserId of the person with this email: by primary email first, then by user
 * name (many directories use the email as user name). Null when neither matches.
 */
export async function findUserIdByEmail(store: TIdentityStore, email: string): Promise<string | null> {
  return (await getUserIdBy(store, "emails.value", email)) ?? (await getUserIdBy(store, "userName", email));
}

/** The membership id when the user is a direct member of the group, else null. */
export async function findGroupMembershipId(store: TIdentityStore, groupId: string, userId: string): Promise<string | null> {
  try {
    const out = await ids(() =>
      store.ids.send(new GetGroupMembershipIdCommand({ IdentityStoreId: store.identityStoreId, GroupId: groupId, MemberId: { UserId: userId } })),
    );
    return out.MembershipId ?? null;
  } catch (e) {
    if (awsErrorInfo(e).notFound) return null;
    throw e;
  }
}

/**
 * Adds the user to the group. A ConflictException "already a member" is verified by reading the
 * membership id, so a retry after a crash neither duplicates nor fails.
 */
export async function ensureGroupMembership(store: TIdentityStore, groupId: string, userId: string): Promise<string> {
  try {
    const out = await ids(() =>
      store.ids.send(new CreateGroupMembershipCommand({ IdentityStoreId: store.identityStoreId, GroupId: groupId, MemberId: { UserId: userId } })),
    );
    if (!out.MembershipId) throw new Error("CreateGroupMembership returned no MembershipId");
    return out.MembershipId;
  } catch (e) {
    if (!awsErrorInfo(e).conflict) throw e;
    const existing = await findGroupMembershipId(store, groupId, userId);
    if (!existing) throw e; // a concurrent-modification conflict: let the caller retry
    return existing;
  }
}

/** Removes a membership; one already gone counts as removed. */
export async function deleteGroupMembership(store: TIdentityStore, membershipId: string): Promise<"deleted" | "absent"> {
  try {
    await ids(() => store.ids.send(new DeleteGroupMembershipCommand({ IdentityStoreId: store.identityStoreId, MembershipId: membershipId })));
    return "deleted";
  } catch (e) {
    if (awsErrorInfo(e).notFound) return "absent";
    throw e;
  }
}
