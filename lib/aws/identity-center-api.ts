import {
  ListGroupMembershipsCommand,
  ListGroupsCommand,
  ListUsersCommand,
  type IdentitystoreClient,
} from "@aws-sdk/client-identitystore";
import {
  DescribePermissionSetCommand,
  ListAccountsForProvisionedPermissionSetCommand,
  ListInstancesCommand,
  ListPermissionSetsCommand,
  ListTagsForResourceCommand,
  type SSOAdminClient,
} from "@aws-sdk/client-sso-admin";
import { awsClients, type TAwsCredentials } from "./aws-clients.ts";
import { sharedAwsRequestHandler } from "./aws-http-handler.ts";
import { collectPages, tagMap } from "./aws-paginate.ts";
import { withAwsRateLimit } from "./aws-rate-limit.ts";

export type TSsoInstance = { instanceArn: string; identityStoreId: string; ownerAccountId: string | null; name: string | null; status: string | null };
export type TPermissionSetInfo = { arn: string; name: string; description: string | null; sessionDuration: string | null };
export type TIdentityUser = { userId: string; userName: string; displayName: string; email: string | null };
export type TIdentityGroup = { groupId: string; displayName: string; description: string | null };
export type TGroupMembership = { membershipId: string | null; userId: string };

/**
 * IAM Identity Center reads (sso-admin and identitystore), paged and held to the org-wide budgets
 * (20 TPS each). Call `destroy()` when done. Assumes the caller is allowed to use these credentials.
 */
export function identityCenterApi(credentials: TAwsCredentials, region: string) {
  let sso: SSOAdminClient | undefined;
  let ids: IdentitystoreClient | undefined;
  const ssoSend = <T,>(fn: (c: SSOAdminClient) => Promise<T>) => withAwsRateLimit("sso-admin", () => fn((sso ??= awsClients.ssoAdmin({ region, credentials, requestHandler: sharedAwsRequestHandler() }))));
  const idsSend = <T,>(fn: (c: IdentitystoreClient) => Promise<T>) => withAwsRateLimit("identitystore", () => fn((ids ??= awsClients.identityStore({ region, credentials, requestHandler: sharedAwsRequestHandler() }))));
  return {
    async listInstances(): Promise<TSsoInstance[]> {
      return collectPages(async (NextToken) => {
        const out = await ssoSend((c) => c.send(new ListInstancesCommand({ NextToken, MaxResults: 100 })));
        return {
          items: (out.Instances ?? []).map((i) => ({ instanceArn: i.InstanceArn ?? "", identityStoreId: i.IdentityStoreId ?? "", ownerAccountId: i.OwnerAccountId ?? null, name: i.Name ?? null, status: i.Status ?? null })),
          next: out.NextToken,
        };
      });
    },
    async listPermissionSetArns(instanceArn: string): Promise<string[]> {
      return collectPages(async (NextToken) => {
        const out = await ssoSend((c) => c.send(new ListPermissionSetsCommand({ InstanceArn: instanceArn, NextToken, MaxResults: 100 })));
        return { items: out.PermissionSets ?? [], next: out.NextToken };
      });
    },
    async describePermissionSet(instanceArn: string, permissionSetArn: string): Promise<TPermissionSetInfo> {
      const out = await ssoSend((c) => c.send(new DescribePermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: permissionSetArn })));
      const p = out.PermissionSet;
      return { arn: p?.PermissionSetArn ?? permissionSetArn, name: p?.Name ?? permissionSetArn, description: p?.Description ?? null, sessionDuration: p?.SessionDuration ?? null };
    },
    async listPermissionSetTags(instanceArn: string, permissionSetArn: string): Promise<Record<string, string>> {
      const tags = await collectPages(async (NextToken) => {
        const out = await ssoSend((c) => c.send(new ListTagsForResourceCommand({ InstanceArn: instanceArn, ResourceArn: permissionSetArn, NextToken })));
        return { items: out.Tags ?? [], next: out.NextToken };
      });
      return tagMap(tags);
    },
    /** O(permission sets) instead of O(accounts): one list per set rather than one per account. */
    async listAccountsForProvisionedPermissionSet(instanceArn: string, permissionSetArn: string): Promise<string[]> {
      return collectPages(async (NextToken) => {
        const out = await ssoSend((c) => c.send(new ListAccountsForProvisionedPermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: permissionSetArn, NextToken, MaxResults: 100 })));
        return { items: out.AccountIds ?? [], next: out.NextToken };
      });
    },
    async listUsers(identityStoreId: string, opts: { firstPageOnly?: boolean } = {}): Promise<TIdentityUser[]> {
      return collectPages(async (NextToken) => {
        const out = await idsSend((c) => c.send(new ListUsersCommand({ IdentityStoreId: identityStoreId, NextToken, MaxResults: opts.firstPageOnly ? 1 : 100 })));
        const items = (out.Users ?? []).map((u) => {
          const email = u.Emails?.find((e) => e.Primary)?.Value ?? u.Emails?.[0]?.Value ?? null;
          return { userId: u.UserId ?? "", userName: u.UserName ?? "", displayName: u.DisplayName ?? ([u.Name?.GivenName, u.Name?.FamilyName].filter(Boolean).join(" ") || (u.UserName ?? "")), email };
        });
        return { items, next: opts.firstPageOnly ? undefined : out.NextToken };
      });
    },
    async listGroups(identityStoreId: string): Promise<TIdentityGroup[]> {
      return collectPages(async (NextToken) => {
        const out = await idsSend((c) => c.send(new ListGroupsCommand({ IdentityStoreId: identityStoreId, NextToken, MaxResults: 100 })));
        return { items: (out.Groups ?? []).map((g) => ({ groupId: g.GroupId ?? "", displayName: g.DisplayName ?? g.GroupId ?? "", description: g.Description ?? null })), next: out.NextToken };
      });
    },
    async listGroupMemberships(identityStoreId: string, groupId: string): Promise<TGroupMembership[]> {
      return collectPages(async (NextToken) => {
        const out = await idsSend((c) => c.send(new ListGroupMembershipsCommand({ IdentityStoreId: identityStoreId, GroupId: groupId, NextToken, MaxResults: 100 })));
        const items = (out.GroupMemberships ?? []).flatMap((m) => {
          const userId = m.MemberId && "UserId" in m.MemberId ? m.MemberId.UserId : undefined;
          return userId ? [{ membershipId: m.MembershipId ?? null, userId }] : [];
        });
        return { items, next: out.NextToken };
      });
    },
    /** Drops the clients; their sockets belong to the shared pool. */
    destroy() {
      sso = undefined;
      ids = undefined;
    },
  };
}
