import { SimError } from "../errors";
import type { CallContext, SimRuntime } from "../runtime";
import { PARTITION_INFO } from "../partition";
import type { SimInstance } from "../types";
import { el, isoSeconds, paginate, resourcesOf } from "../util";

const STATE_CODES: Record<SimInstance["state"], number> = { pending: 0, running: 16, "shutting-down": 32, stopping: 64, stopped: 80, terminated: 48 };

/** ec2Query lists arrive flattened: Filter.1.Name, Filter.1.Value.1, InstanceId.1 ... */
function list(q: URLSearchParams, prefix: string): string[] {
  const out: { i: number; v: string }[] = [];
  for (const [k, v] of q) {
    const m = new RegExp(`^${prefix.replace(".", "\\.")}\\.(\\d+)$`).exec(k);
    if (m) out.push({ i: Number(m[1]), v });
  }
  return out.sort((a, b) => a.i - b.i).map((x) => x.v);
}

function filters(q: URLSearchParams): { name: string; values: string[] }[] {
  const byIndex = new Map<number, { name: string; values: string[] }>();
  for (const [k, v] of q) {
    const m = /^Filter\.(\d+)\.Name$/.exec(k);
    if (m) byIndex.set(Number(m[1]), { name: v, values: list(q, `Filter.${m[1]}.Value`) });
  }
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, f]) => f);
}

function instanceMatches(i: SimInstance, f: { name: string; values: string[] }): boolean {
  const any = (x: string | undefined) => x !== undefined && f.values.some((v) => wildcard(v, x));
  if (f.name.startsWith("tag:")) return any(i.tags.find((t) => t.Key === f.name.slice(4))?.Value);
  switch (f.name) {
    case "tag-key":
      return i.tags.some((t) => any(t.Key));
    case "tag-value":
      return i.tags.some((t) => any(t.Value));
    case "instance-id":
      return any(i.instanceId);
    case "instance-state-name":
      return any(i.state);
    case "instance-type":
      return any(i.instanceType);
    case "availability-zone":
      return any(`${i.region}a`);
    default:
      throw new SimError("InvalidParameterValue", `The filter '${f.name}' is invalid`);
  }
}

/** EC2 filter values accept * and ? wildcards. */
function wildcard(pattern: string, value: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern === value;
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
  return re.test(value);
}

function instanceXml(i: SimInstance): string {
  return (
    "<item>" +
    el("instanceId", i.instanceId) +
    el("imageId", i.imageId) +
    `<instanceState>${el("code", STATE_CODES[i.state])}${el("name", i.state)}</instanceState>` +
    el("privateDnsName", `ip-${i.privateIp.replace(/\./g, "-")}.ec2.internal`) +
    el("instanceType", i.instanceType) +
    el("launchTime", isoSeconds(i.launchedAt)) +
    `<placement>${el("availabilityZone", `${i.region}a`)}${el("tenancy", "default")}</placement>` +
    el("privateIpAddress", i.privateIp) +
    el("architecture", i.instanceType.startsWith("c6g") ? "arm64" : "x86_64") +
    (i.tags.length > 0 ? `<tagSet>${i.tags.map((t) => `<item>${el("key", t.Key)}${el("value", t.Value)}</item>`).join("")}</tagSet>` : "") +
    "</item>"
  );
}

export function ec2(rt: SimRuntime, ctx: CallContext, q: URLSearchParams): string {
  switch (ctx.operation) {
    case "DescribeRegions": {
      const { enabledRegions: REGIONS, dnsSuffix } = PARTITION_INFO[rt.state.partition];
      const names = list(q, "RegionName");
      const unknown = names.find((n) => !REGIONS.includes(n));
      if (unknown) throw new SimError("InvalidParameterValue", `Invalid region: ${unknown}`);
      const fs = filters(q);
      const regions = REGIONS.filter((r) => (names.length === 0 || names.includes(r)) && fs.every((f) => f.name !== "region-name" || f.values.some((v) => wildcard(v, r))));
      return `<regionInfo>${regions.map((r) => `<item>${el("regionName", r)}${el("regionEndpoint", `ec2.${r}.${dnsSuffix}`)}${el("optInStatus", "opt-in-not-required")}</item>`).join("")}</regionInfo>`;
    }
    case "DescribeInstances": {
      const ids = list(q, "InstanceId");
      const rawMax = q.get("MaxResults");
      if (rawMax !== null && ids.length > 0) {
        throw new SimError("InvalidParameterCombination", "The parameter instancesSet cannot be used with the parameter maxResults");
      }
      let max = 1000;
      if (rawMax !== null) {
        max = Number(rawMax);
        if (!Number.isInteger(max) || max < 5 || max > 1000) throw new SimError("InvalidParameterValue", `Value ( ${rawMax} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`);
      }
      const malformed = ids.find((id) => !/^i-([0-9a-f]{8}|[0-9a-f]{17})$/.test(id));
      if (malformed) throw new SimError("InvalidInstanceID.Malformed", `Invalid id: "${malformed}"`);
      const inRegion = resourcesOf(rt.state, ctx.caller.accountId).instances.filter((i) => i.region === ctx.region);
      const missing = ids.filter((id) => !inRegion.some((i) => i.instanceId === id));
      if (missing.length > 0) throw new SimError("InvalidInstanceID.NotFound", `The instance ID${missing.length > 1 ? "s" : ""} '${missing.join(", ")}' ${missing.length > 1 ? "do" : "does"} not exist`);
      const fs = filters(q);
      const matched = inRegion.filter((i) => (ids.length === 0 || ids.includes(i.instanceId)) && fs.every((f) => instanceMatches(i, f)));
      const tokenKey = `DescribeInstances:${ctx.caller.accountId}:${ctx.region}:${JSON.stringify(fs)}:${ids.join(",")}`;
      const p = paginate(matched, tokenKey, q.get("NextToken") ?? undefined, max, () =>
        new SimError("InvalidParameterValue", "The token provided is invalid."),
      );
      const reservations = new Map<string, SimInstance[]>();
      for (const i of p.items) {
        const list = reservations.get(i.reservationId) ?? [];
        list.push(i);
        reservations.set(i.reservationId, list);
      }
      return (
        "<reservationSet>" +
        [...reservations].map(([rid, instances]) => `<item>${el("reservationId", rid)}${el("ownerId", ctx.caller.accountId)}<groupSet/><instancesSet>${instances.map(instanceXml).join("")}</instancesSet></item>`).join("") +
        `</reservationSet>${el("nextToken", p.nextToken)}`
      );
    }
    default:
      throw new SimError("InvalidAction", `The action ${ctx.operation} is not valid for this web service.`);
  }
}
