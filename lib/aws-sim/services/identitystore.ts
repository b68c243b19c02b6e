import { SimError } from "../errors";
import type { CallContext, SimRuntime } from "../runtime";
import { addMembership } from "../state";
import type { SimGroup, SimUser } from "../types";
import { paginate } from "../util";
import { validators } from "../validate";

type Input = Record<string, unknown>;
const v = validators("ValidationException");
const STORE_RE = /^d-[0-9a-f]{10}$|^[0-9a-f]{8}\b-[0-9a-f]{4}\b-[0-9a-f]{4}\b-[0-9a-f]{4}\b-[0-9a-f]{12}$/;
const RESOURCE_ID_RE = /^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/;

const notFound = (ctx: CallContext, type: string, id: string) =>
  new SimError("ResourceNotFoundException", `${type.charAt(0) + type.slice(1).toLowerCase().replace("_", " ")} not found.`, 400, {
    ResourceType: type,
    ResourceId: id,
    RequestId: ctx.requestId,
  });

const userOut = (u: SimUser, storeId: string) => ({
  IdentityStoreId: storeId,
  UserId: u.userId,
  UserName: u.userName,
  DisplayName: u.displayName,
  Name: { Formatted: u.displayName, GivenName: u.givenName, FamilyName: u.familyName },
  Emails: [{ Value: u.email, Type: "work", Primary: true }],
  UserStatus: "ENABLED",
});

const groupOut = (g: SimGroup, storeId: string) => ({
  IdentityStoreId: storeId,
  GroupId: g.groupId,
  DisplayName: g.displayName,
  Description: g.description,
});

function page<T>(items: T[], key: string, input: Input) {
  const max = v.int(input, "MaxResults", 1, 100, 100);
  const token = input.NextToken as string | undefined;
  return paginate(items, key, token, max, () => new SimError("ValidationException", "The provided NextToken is invalid."));
}

function resourceId(input: Input, key: string, field: string): string {
  return v.pattern(v.length(v.required(input, key, field), 1, 47, field), RESOURCE_ID_RE, field);
}

function memberUserId(input: Input): string {
  const m = input.MemberId as Input | undefined;
  if (!m || typeof m !== "object") throw v.fail("memberId", undefined, "Member must not be null");
  return resourceId(m, "UserId", "memberId.userId");
}

function legacyFilter(input: Input, attr: string): string | undefined {
  const filters = input.Filters as Input[] | undefined;
  if (!filters || filters.length === 0) return undefined;
  const f = filters[0] ?? {};
  if (String(f.AttributePath).toLowerCase() !== attr.toLowerCase()) {
    throw new SimError("ValidationException", `Invalid filter attribute path: ${String(f.AttributePath)}`);
  }
  return String(f.AttributeValue ?? "");
}

export function identityStore(rt: SimRuntime, ctx: CallContext, input: Input): unknown {
  const st = rt.state;
  const storeId = v.pattern(v.length(v.required(input, "IdentityStoreId"), 1, 36, "identityStoreId"), STORE_RE, "identityStoreId");
  if (storeId !== st.identityStoreId) throw notFound(ctx, "IDENTITY_STORE", storeId);
  const user = (id: string) => {
    const u = st.users.get(id);
    if (!u) throw notFound(ctx, "USER", id);
    return u;
  };
  const group = (id: string) => {
    const g = st.groups.get(id);
    if (!g) throw notFound(ctx, "GROUP", id);
    return g;
  };
  switch (ctx.operation) {
    case "ListUsers": {
      const name = legacyFilter(input, "UserName");
      const users = [...st.users.values()].filter((u) => name === undefined || u.userName.toLowerCase() === name.toLowerCase());
      const p = page(users, `ListUsers:${name ?? ""}`, input);
      return { Users: p.items.map((u) => userOut(u, storeId)), NextToken: p.nextToken };
    }
    case "ListGroups": {
      const name = legacyFilter(input, "DisplayName");
      const groups = [...st.groups.values()].filter((g) => name === undefined || g.displayName === name);
      const p = page(groups, `ListGroups:${name ?? ""}`, input);
      return { Groups: p.items.map((g) => groupOut(g, storeId)), NextToken: p.nextToken };
    }
    case "DescribeUser":
      return userOut(user(resourceId(input, "UserId", "userId")), storeId);
    case "DescribeGroup":
      return groupOut(group(resourceId(input, "GroupId", "groupId")), storeId);
    case "GetUserId":
    case "GetGroupId": {
      const alt = input.AlternateIdentifier as Input | undefined;
      if (!alt) throw v.fail("alternateIdentifier", undefined, "Member must not be null");
      const unique = alt.UniqueAttribute as Input | undefined;
      if (!unique) throw new SimError("ValidationException", "Only UniqueAttribute alternate identifiers are supported for this identity store.");
      const path = String(unique.AttributePath ?? "");
      const value = unique.AttributeValue;
      if (typeof value !== "string") throw v.fail("alternateIdentifier.uniqueAttribute.attributeValue", value, "Member must be a string");
      if (ctx.operation === "GetUserId") {
        let found: SimUser | undefined;
        if (path === "userName") found = [...st.users.values()].find((u) => u.userName.toLowerCase() === value.toLowerCase());
        else if (path === "emails.value") found = [...st.users.values()].find((u) => u.email.toLowerCase() === value.toLowerCase());
        else throw new SimError("ValidationException", `Invalid attribute path: ${path}. Supported: userName, emails.value.`);
        if (!found) throw notFound(ctx, "USER", value);
        return { IdentityStoreId: storeId, UserId: found.userId };
      }
      if (path !== "displayName") throw new SimError("ValidationException", `Invalid attribute path: ${path}. Supported: displayName.`);
      const g = [...st.groups.values()].find((x) => x.displayName === value);
      if (!g) throw notFound(ctx, "GROUP", value);
      return { IdentityStoreId: storeId, GroupId: g.groupId };
    }
    case "ListGroupMemberships": {
      const groupId = resourceId(input, "GroupId", "groupId");
      group(groupId);
      const items = [...st.memberships.values()].filter((m) => m.groupId === groupId);
      const p = page(items, `ListGroupMemberships:${groupId}`, input);
      return {
        GroupMemberships: p.items.map((m) => ({ IdentityStoreId: storeId, MembershipId: m.membershipId, GroupId: m.groupId, MemberId: { UserId: m.userId } })),
        NextToken: p.nextToken,
      };
    }
    case "ListGroupMembershipsForMember": {
      const userId = memberUserId(input);
      user(userId);
      const items = [...st.memberships.values()].filter((m) => m.userId === userId);
      const p = page(items, `ListGroupMembershipsForMember:${userId}`, input);
      return {
        GroupMemberships: p.items.map((m) => ({ IdentityStoreId: storeId, MembershipId: m.membershipId, GroupId: m.groupId, MemberId: { UserId: m.userId } })),
        NextToken: p.nextToken,
      };
    }
    case "CreateGroupMembership": {
      const groupId = resourceId(input, "GroupId", "groupId");
      const userId = memberUserId(input);
      group(groupId);
      user(userId);
      for (const m of st.memberships.values()) {
        if (m.groupId === groupId && m.userId === userId) {
          throw new SimError("ConflictException", "Member is already part of the group.", 400, {
            Reason: "UNIQUENESS_CONSTRAINT_VIOLATION",
            RequestId: ctx.requestId,
          });
        }
      }
      return { IdentityStoreId: storeId, MembershipId: addMembership(st, groupId, userId) };
    }
    case "DeleteGroupMembership": {
      const id = resourceId(input, "MembershipId", "membershipId");
      if (!st.memberships.delete(id)) throw notFound(ctx, "GROUP_MEMBERSHIP", id);
      return {};
    }
    case "GetGroupMembershipId": {
      const groupId = resourceId(input, "GroupId", "groupId");
      const userId = memberUserId(input);
      const m = [...st.memberships.values()].find((x) => x.groupId === groupId && x.userId === userId);
      if (!m) throw notFound(ctx, "GROUP_MEMBERSHIP", `${groupId}/${userId}`);
      return { IdentityStoreId: storeId, MembershipId: m.membershipId };
    }
    case "IsMemberInGroups": {
      const userId = memberUserId(input);
      const groupIds = input.GroupIds;
      if (!Array.isArray(groupIds) || groupIds.length < 1 || groupIds.length > 100) {
        throw v.fail("groupIds", groupIds, "Member must have length between 1 and 100");
      }
      const mine = new Set([...st.memberships.values()].filter((m) => m.userId === userId).map((m) => m.groupId));
      return {
        Results: groupIds.map((g: string) => ({ GroupId: g, MemberId: { UserId: userId }, MembershipExists: mine.has(g) })),
      };
    }
    default:
      throw new SimError("UnknownOperationException", `Operation ${ctx.operation} is not supported by the simulator.`);
  }
}
