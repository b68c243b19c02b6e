import {
  DescribeOrganizationCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  type Account,
  type OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { awsClients, type TAwsCredentials } from "./aws-clients.ts";
import { sharedAwsRequestHandler } from "./aws-http-handler.ts";
import { collectPages } from "./aws-paginate.ts";
import { withAwsRateLimit } from "./aws-rate-limit.ts";

export type TOrgAccount = { id: string; arn: string; name: string; email: string | null; state: string };

/**
 * The management account's id from an Organizations account ARN
 * (arn:aws:organizations::<management-id>:account/o-…/<id>): known even to a delegated
 * administrator that may not call DescribeOrganization. Pure.
 */
export function managementAccountFromArn(arn: string | undefined): string | null {
  return /^arn:aws[\w-]*:organizations::(\d{12}):account\//.exec(arn ?? "")?.[1] ?? null;
}
export type TOrgUnitNode = { id: string; name: string };

const MAX = 20; // Organizations' page ceiling

function toAccount(a: Account): TOrgAccount {
  return { id: a.Id ?? "", arn: a.Arn ?? "", name: a.Name ?? a.Id ?? "", email: a.Email ?? null, state: a.State ?? a.Status ?? "ACTIVE" };
}

/**
 * AWS Organizations reads for discovery and the connection test, in the partition of `region`, paged and rate limited on the
 * org-wide budget. Call `destroy()` when done. Assumes the caller is allowed to use these credentials.
 */
export function organizationsApi(credentials: TAwsCredentials, region: string) {
  let client: OrganizationsClient | undefined;
  // `region` (the integration's) only picks the partition: Organizations answers at one endpoint per partition.
  const org = () => (client ??= awsClients.organizations({ region, credentials, requestHandler: sharedAwsRequestHandler() }));
  const send = <T,>(fn: (c: OrganizationsClient) => Promise<T>) => withAwsRateLimit("organizations", () => fn(org()));
  return {
    async describeOrganization() {
      const out = await send((c) => c.send(new DescribeOrganizationCommand({})));
      return { id: out.Organization?.Id ?? "", managementAccountId: out.Organization?.MasterAccountId ?? null };
    },
    async listRoots(): Promise<TOrgUnitNode[]> {
      return collectPages(async (NextToken) => {
        const out = await send((c) => c.send(new ListRootsCommand({ NextToken, MaxResults: MAX })));
        return { items: (out.Roots ?? []).map((r) => ({ id: r.Id ?? "", name: r.Name ?? "Root" })), next: out.NextToken };
      });
    },
    async listOrganizationalUnitsForParent(parentId: string): Promise<TOrgUnitNode[]> {
      return collectPages(async (NextToken) => {
        const out = await send((c) => c.send(new ListOrganizationalUnitsForParentCommand({ ParentId: parentId, NextToken, MaxResults: MAX })));
        return { items: (out.OrganizationalUnits ?? []).map((u) => ({ id: u.Id ?? "", name: u.Name ?? u.Id ?? "" })), next: out.NextToken };
      });
    },
    /** Direct children only; walking the tree with it yields every account with its OU in O(OUs) calls. */
    async listAccountsForParent(parentId: string): Promise<TOrgAccount[]> {
      return collectPages(async (NextToken) => {
        const out = await send((c) => c.send(new ListAccountsForParentCommand({ ParentId: parentId, NextToken, MaxResults: MAX })));
        return { items: (out.Accounts ?? []).map(toAccount), next: out.NextToken };
      });
    },
    /** One page only: enough to prove the permission in a connection test. */
    async listAccountsFirstPage(): Promise<TOrgAccount[]> {
      let token: string | undefined;
      for (let i = 0; i < 3; i++) {
        const out = await send((c) => c.send(new ListAccountsCommand({ NextToken: token, MaxResults: MAX })));
        if ((out.Accounts ?? []).length > 0 || !out.NextToken) return (out.Accounts ?? []).map(toAccount);
        token = out.NextToken;
      }
      return [];
    },
    /** Drops the client; its sockets belong to the shared pool. */
    destroy() {
      client = undefined;
    },
  };
}
