import { SimError } from "../errors";
import { awsManagedPolicies, awsManagedPolicyByArn } from "../managed-policies";
import type { CallContext, SimRuntime } from "../runtime";
import { policyArn, roleArn } from "../state";
import type { SimPolicy, SimRole, SimState, Tag } from "../types";
import { el, isoSeconds, paginate, resourcesOf } from "../util";
import { validators } from "../validate";

const v = validators("ValidationError");
/** IAM may return fewer than MaxItems while IsTruncated is true; capping pages makes callers honour Marker. */
const PAGE_CAP = 100;

const noSuch = (m: string) => new SimError("NoSuchEntity", m, 404);
const enc = (doc: string) => encodeURIComponent(doc);

function iamPage<T>(items: T[], key: string, input: Record<string, string>) {
  const max = Math.min(v.int(input, "MaxItems", 1, 1000, 100, "maxItems"), PAGE_CAP);
  const marker = input.Marker;
  if (marker !== undefined) v.length(marker, 1, 320, "marker");
  const p = paginate(items, key, marker, max, () => new SimError("ValidationError", "Invalid Marker."));
  return p;
}

const pageXml = (next: string | undefined) => el("IsTruncated", next !== undefined) + el("Marker", next);
const tagsXml = (tags: Tag[]) => tags.map((t) => `<member>${el("Key", t.Key)}${el("Value", t.Value)}</member>`).join("");

function roleXml(st: SimState, accountId: string, r: SimRole, withTags: boolean): string {
  return (
    el("Path", r.path) +
    el("RoleName", r.roleName) +
    el("RoleId", r.roleId) +
    el("Arn", roleArn(st, accountId, r)) +
    el("CreateDate", isoSeconds(r.createdAt)) +
    el("AssumeRolePolicyDocument", enc(r.trustPolicy)) +
    el("Description", r.description) +
    el("MaxSessionDuration", r.maxSessionDuration) +
    (withTags && r.tags.length > 0 ? `<Tags>${tagsXml(r.tags)}</Tags>` : "") +
    (withTags ? "<RoleLastUsed/>" : "")
  );
}

interface PolicyView {
  name: string;
  id: string;
  arn: string;
  path: string;
  description?: string;
  attachments: number;
  createdAt: number;
  document: string;
  tags: Tag[];
}

export function iam(rt: SimRuntime, ctx: CallContext, q: URLSearchParams): string {
  const input = Object.fromEntries(q);
  const accountId = ctx.caller.accountId;
  const partition = rt.state.partition;
  const res = resourcesOf(rt.state, accountId);
  const roleArg = () => {
    const name = v.pattern(v.length(v.required(input, "RoleName", "roleName"), 1, 64, "roleName"), /^[\w+=,.@-]+$/, "roleName", "[\\w+=,.@-]+");
    const role = res.roles.get(name);
    if (!role) throw noSuch(`The role with name ${name} cannot be found.`);
    return role;
  };
  const attachments = (arn: string) => {
    let n = 0;
    for (const r of res.roles.values()) if (r.attachedPolicyArns.includes(arn)) n++;
    return n;
  };
  const local = (p: SimPolicy): PolicyView => {
    const arn = policyArn(partition, accountId, p.path, p.name);
    return { name: p.name, id: p.policyId, arn, path: p.path, description: p.description, attachments: attachments(arn), createdAt: p.createdAt, document: p.document, tags: p.tags };
  };
  const managed = (): PolicyView[] =>
    awsManagedPolicies(partition).map((p) => ({
      name: p.name,
      id: p.id,
      arn: p.arn,
      path: p.path,
      attachments: attachments(p.arn),
      createdAt: Date.UTC(2015, 1, 6, 18, 39, 46),
      document: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }),
      tags: [],
    }));
  const policyArg = (): PolicyView => {
    const arn = v.length(v.required(input, "PolicyArn", "policyArn"), 20, 2048, "policyArn");
    // an ARN of another partition is as invalid here as a malformed one
    const m = /^arn:([\w-]+):iam::(\d{12}|aws):policy(\/.*\/|\/)([\w+=,.@-]+)$/.exec(arn);
    if (!m || m[1] !== partition) throw new SimError("InvalidInput", `ARN ${arn} is not valid.`);
    if (m[2] === "aws") {
      if (!awsManagedPolicyByArn(partition, arn)) throw noSuch(`Policy ${arn} does not exist or is not attachable.`);
      return managed().find((p) => p.arn === arn)!;
    }
    const p = m[2] === accountId ? res.policies.get(m[4]!) : undefined;
    if (!p || p.path !== m[3]) throw noSuch(`Policy ${arn} does not exist or is not attachable.`);
    return local(p);
  };
  const policyXml = (p: PolicyView, detail: boolean) =>
    el("PolicyName", p.name) +
    el("PolicyId", p.id) +
    el("Arn", p.arn) +
    el("Path", p.path) +
    el("DefaultVersionId", "v1") +
    el("AttachmentCount", p.attachments) +
    el("PermissionsBoundaryUsageCount", 0) +
    el("IsAttachable", true) +
    (detail ? el("Description", p.description) : "") +
    el("CreateDate", isoSeconds(p.createdAt)) +
    el("UpdateDate", isoSeconds(p.createdAt)) +
    (detail && p.tags.length > 0 ? `<Tags>${tagsXml(p.tags)}</Tags>` : "");

  switch (ctx.operation) {
    case "ListRoles": {
      const prefix = input.PathPrefix ?? "/";
      const roles = [...res.roles.values()].filter((r) => r.path.startsWith(prefix));
      const p = iamPage(roles, `ListRoles:${accountId}:${prefix}`, input);
      return `<Roles>${p.items.map((r) => `<member>${roleXml(rt.state, accountId, r, false)}</member>`).join("")}</Roles>${pageXml(p.nextToken)}`;
    }
    case "GetRole":
      return `<Role>${roleXml(rt.state, accountId, roleArg(), true)}</Role>`;
    case "ListRoleTags": {
      const role = roleArg();
      const p = iamPage(role.tags, `ListRoleTags:${accountId}:${role.roleName}`, input);
      return `<Tags>${tagsXml(p.items)}</Tags>${pageXml(p.nextToken)}`;
    }
    case "ListAttachedRolePolicies": {
      const role = roleArg();
      const prefix = input.PathPrefix ?? "/";
      const items = role.attachedPolicyArns
        .map((arn) => ({ arn, path: /:policy(\/.*\/|\/)/.exec(arn)?.[1] ?? "/", name: arn.split("/").pop() ?? arn }))
        .filter((a) => a.path.startsWith(prefix));
      const p = iamPage(items, `ListAttachedRolePolicies:${accountId}:${role.roleName}`, input);
      return `<AttachedPolicies>${p.items.map((a) => `<member>${el("PolicyName", a.name)}${el("PolicyArn", a.arn)}</member>`).join("")}</AttachedPolicies>${pageXml(p.nextToken)}`;
    }
    case "ListRolePolicies": {
      const role = roleArg();
      const p = iamPage(Object.keys(role.inlinePolicies), `ListRolePolicies:${accountId}:${role.roleName}`, input);
      return `<PolicyNames>${p.items.map((n) => `<member>${n}</member>`).join("")}</PolicyNames>${pageXml(p.nextToken)}`;
    }
    case "GetRolePolicy": {
      const role = roleArg();
      const name = v.required(input, "PolicyName", "policyName");
      const doc = role.inlinePolicies[name];
      if (doc === undefined) throw noSuch(`The role policy with name ${name} cannot be found.`);
      return el("RoleName", role.roleName) + el("PolicyName", name) + el("PolicyDocument", enc(doc));
    }
    case "ListPolicies": {
      const scope = input.Scope ?? "All";
      v.oneOf(scope, ["All", "AWS", "Local"] as const, "scope");
      const prefix = input.PathPrefix ?? "/";
      const onlyAttached = input.OnlyAttached === "true";
      let items: PolicyView[] = [];
      if (scope !== "Local") items = items.concat(managed());
      if (scope !== "AWS") items = items.concat([...res.policies.values()].map(local));
      items = items.filter((p) => p.path.startsWith(prefix) && (!onlyAttached || p.attachments > 0));
      const p = iamPage(items, `ListPolicies:${accountId}:${scope}:${prefix}:${onlyAttached}`, input);
      return `<Policies>${p.items.map((x) => `<member>${policyXml(x, false)}</member>`).join("")}</Policies>${pageXml(p.nextToken)}`;
    }
    case "GetPolicy":
      return `<Policy>${policyXml(policyArg(), true)}</Policy>`;
    case "ListPolicyTags": {
      const policy = policyArg();
      const p = iamPage(policy.tags, `ListPolicyTags:${accountId}:${policy.arn}`, input);
      return `<Tags>${tagsXml(p.items)}</Tags>${pageXml(p.nextToken)}`;
    }
    case "GetPolicyVersion": {
      const p = policyArg();
      const versionId = v.pattern(v.required(input, "VersionId", "versionId"), /^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$/, "versionId");
      if (versionId !== "v1") throw noSuch(`Policy ${p.arn} version ${versionId} does not exist or is not attachable.`);
      return `<PolicyVersion>${el("Document", enc(p.document))}${el("VersionId", "v1")}${el("IsDefaultVersion", true)}${el("CreateDate", isoSeconds(p.createdAt))}</PolicyVersion>`;
    }
    default:
      throw new SimError("InvalidAction", `Could not find operation ${ctx.operation} for version 2010-05-08`);
  }
}
