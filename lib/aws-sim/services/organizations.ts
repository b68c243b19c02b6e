import { SimError } from "../errors";
import type { CallContext, SimRuntime } from "../runtime";
import { accountArn, organizationArn, ouArn, rootArn } from "../state";
import type { SimAccount } from "../types";
import { decodeToken, encodeToken, epochSeconds } from "../util";

type Input = Record<string, unknown>;

const invalid = (reason: string, message: string) => new SimError("InvalidInputException", message, 400, { Reason: reason });
const ACCOUNT_RE = /^\d{12}$/;
const OU_RE = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
const ROOT_RE = /^r-[0-9a-z]{4,32}$/;

/**
 * Organizations pages hold at most 20 items and may come back empty while still carrying a
 * NextToken. The simulator does that on the first page whenever a list spans several pages,
 * so callers that stop at an empty page are caught.
 */
function orgPage<T>(items: T[], key: string, input: Input): { items: T[]; nextToken?: string } {
  const raw = input.MaxResults;
  let max = 20;
  if (raw !== undefined && raw !== null) {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 20) throw invalid("INVALID_PAGINATION_TOKEN", "You provided a value for MaxResults that is not valid. Valid values are 1-20.");
    max = n;
  }
  const token = decodeToken(input.NextToken as string | undefined, key, () =>
    invalid("INVALID_PAGINATION_TOKEN", "You specified an invalid value for nextToken. You must get the value from the response to a previous call to the API."),
  );
  if (!token && items.length > max) return { items: [], nextToken: encodeToken({ k: key, o: 0, e: 1 }) };
  const start = token?.o ?? 0;
  const page = items.slice(start, start + max);
  return { items: page, nextToken: start + max < items.length ? encodeToken({ k: key, o: start + max, e: 1 }) : undefined };
}

export function organizations(rt: SimRuntime, ctx: CallContext, input: Input): unknown {
  const st = rt.state;
  const mgmt = st.accounts.get(st.managementAccountId);
  const acctOut = (a: SimAccount) => ({
    Id: a.id,
    Arn: accountArn(st, a.id),
    Email: a.email,
    Name: a.name,
    Status: "ACTIVE",
    State: "ACTIVE",
    JoinedMethod: a.id === st.managementAccountId ? "CREATED" : "INVITED",
    JoinedTimestamp: epochSeconds(a.joinedAt),
  });
  const ouOut = (id: string) => {
    const ou = st.ous.get(id)!;
    return { Id: ou.id, Arn: ouArn(st, ou.id), Name: ou.name };
  };
  const parentExists = (id: string) => id === st.rootId || st.ous.has(id);
  const parentArg = (key = "ParentId") => {
    const id = input[key];
    if (typeof id !== "string") throw invalid("INVALID_INPUT", `You must specify ${key}.`);
    if (!ROOT_RE.test(id) && !OU_RE.test(id)) throw invalid("INVALID_PARTY_TYPE_TARGET", `You specified an invalid value for ${key}.`);
    if (!parentExists(id)) throw new SimError("ParentNotFoundException", "We can't find a root or OU with the ParentId that you specified.");
    return id;
  };
  const accountArg = () => {
    const id = input.AccountId;
    if (typeof id !== "string" || !ACCOUNT_RE.test(id)) throw invalid("INVALID_INPUT", "You specified an invalid value for AccountId. It must be a 12-digit number.");
    const a = st.accounts.get(id);
    if (!a) throw new SimError("AccountNotFoundException", "You specified an account that doesn't exist.");
    return a;
  };
  switch (ctx.operation) {
    case "DescribeOrganization":
      return {
        Organization: {
          Id: st.organizationId,
          Arn: organizationArn(st),
          FeatureSet: "ALL",
          MasterAccountArn: accountArn(st, st.managementAccountId),
          MasterAccountId: st.managementAccountId,
          MasterAccountEmail: mgmt?.email,
          AvailablePolicyTypes: [{ Type: "SERVICE_CONTROL_POLICY", Status: "ENABLED" }],
        },
      };
    case "ListAccounts": {
      const p = orgPage([...st.accounts.values()], "ListAccounts", input);
      return { Accounts: p.items.map(acctOut), NextToken: p.nextToken };
    }
    case "DescribeAccount":
      return { Account: acctOut(accountArg()) };
    case "ListRoots": {
      const p = orgPage([st.rootId], "ListRoots", input);
      return {
        Roots: p.items.map((id) => ({ Id: id, Arn: rootArn(st), Name: "Root", PolicyTypes: [{ Type: "SERVICE_CONTROL_POLICY", Status: "ENABLED" }] })),
        NextToken: p.nextToken,
      };
    }
    case "ListOrganizationalUnitsForParent": {
      const parent = parentArg();
      const p = orgPage([...st.ous.values()].filter((o) => o.parentId === parent).map((o) => o.id), `OUs:${parent}`, input);
      return { OrganizationalUnits: p.items.map(ouOut), NextToken: p.nextToken };
    }
    case "ListAccountsForParent": {
      const parent = parentArg();
      const p = orgPage([...st.accounts.values()].filter((a) => a.parentId === parent), `Accounts:${parent}`, input);
      return { Accounts: p.items.map(acctOut), NextToken: p.nextToken };
    }
    case "DescribeOrganizationalUnit": {
      const id = input.OrganizationalUnitId;
      if (typeof id !== "string" || !OU_RE.test(id)) throw invalid("INVALID_INPUT", "You specified an invalid value for OrganizationalUnitId.");
      if (!st.ous.has(id)) throw new SimError("OrganizationalUnitNotFoundException", "We can't find an OU with the OrganizationalUnitId that you specified.");
      return { OrganizationalUnit: ouOut(id) };
    }
    case "ListParents": {
      const child = input.ChildId;
      if (typeof child !== "string" || (!ACCOUNT_RE.test(child) && !OU_RE.test(child))) throw invalid("INVALID_INPUT", "You specified an invalid value for ChildId.");
      const parentId = st.accounts.get(child)?.parentId ?? st.ous.get(child)?.parentId;
      if (!parentId) throw new SimError("ChildNotFoundException", "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.");
      const p = orgPage([parentId], `Parents:${child}`, input);
      return { Parents: p.items.map((id) => ({ Id: id, Type: id === st.rootId ? "ROOT" : "ORGANIZATIONAL_UNIT" })), NextToken: p.nextToken };
    }
    case "ListTagsForResource": {
      const id = input.ResourceId;
      if (typeof id !== "string") throw invalid("INVALID_INPUT", "You must specify ResourceId.");
      const tags = st.accounts.get(id)?.tags ?? st.ous.get(id)?.tags ?? (id === st.rootId ? [] : undefined);
      if (!tags) throw new SimError("TargetNotFoundException", "We can't find a root, OU, account, or policy with the TargetId that you specified.");
      const p = orgPage(tags, `Tags:${id}`, { NextToken: input.NextToken });
      return { Tags: p.items, NextToken: p.nextToken };
    }
    case "RegisterDelegatedAdministrator":
    case "DeregisterDelegatedAdministrator": {
      const accountId = String(input.AccountId ?? "");
      const principal = String(input.ServicePrincipal ?? "");
      if (!ACCOUNT_RE.test(accountId)) throw invalid("INVALID_FULL_NAME_TARGET", "You specified an invalid value for AccountId.");
      if (!principal) throw invalid("INVALID_INPUT", "You specified an invalid value for ServicePrincipal.");
      if (!st.accounts.has(accountId)) throw new SimError("AccountNotFoundException", "You specified an account that doesn't exist.");
      const key = `${principal}|${accountId}`;
      if (ctx.operation === "DeregisterDelegatedAdministrator") {
        if (!st.delegatedAdministrators.delete(key)) throw new SimError("AccountNotRegisteredException", "The provided account is not a registered delegated administrator for your organization.");
        return {};
      }
      if (accountId === st.managementAccountId) {
        throw new SimError("ConstraintViolationException", "You cannot register the management account of the organization as a delegated administrator.", 400, { Reason: "CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR" });
      }
      if (st.delegatedAdministrators.has(key)) throw new SimError("AccountAlreadyRegisteredException", "The provided account is already a delegated administrator for your organization.");
      st.delegatedAdministrators.add(key);
      return {};
    }
    case "ListDelegatedAdministrators": {
      const principal = input.ServicePrincipal === undefined ? undefined : String(input.ServicePrincipal);
      const ids = [...new Set([...st.delegatedAdministrators].filter((k) => !principal || k.startsWith(`${principal}|`)).map((k) => k.split("|")[1]!))];
      const p = orgPage(ids.map((id) => st.accounts.get(id)).filter((a): a is SimAccount => Boolean(a)).map(acctOut), `ListDelegatedAdministrators:${principal ?? ""}`, input);
      return { DelegatedAdministrators: p.items, NextToken: p.nextToken };
    }
    default:
      throw new SimError("UnknownOperationException", `Operation ${ctx.operation} is not supported by the simulator.`);
  }
}
