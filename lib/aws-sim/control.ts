import type { IncomingMessage, ServerResponse } from "node:http";
import { arnPartition, isRegionName, partitionOfRegion } from "./partition";
import { populateAccount } from "./populate";
import type { FaultRule, RateLimit, ServiceName, SimQuotas } from "./runtime";
import { SERVICES } from "./runtime";
import { parseSeedBody, type SeedSpec } from "./seeds";
import { send, type SimServer } from "./server";
import { settleAll, settleAsyncOps } from "./services/sso-admin";
import { snapshotState } from "./snapshot";
import {
  accountRootArn,
  addAccount,
  addGroup,
  addMembership,
  addRole,
  addUser,
  applyProvisioning,
  assignmentKey,
  provisionKey,
  removeProvisioning,
  tagsFrom,
  trustPolicyFor,
} from "./state";
import type { PrincipalType, SimInstance, SimState, Tag } from "./types";
import { hexOf, resourcesOf } from "./util";

export interface ControlHost {
  sim: SimServer;
  reset(seed?: SeedSpec): void;
}

export interface FaultsUpdate {
  faults?: Record<string, FaultRule>;
  /** replace all fault rules instead of merging */
  replace?: boolean;
  latencyMs?: number;
  asyncDelayMs?: number;
  throttling?: { enabled?: boolean; rates?: Partial<Record<ServiceName, RateLimit>>; perAccount?: boolean };
  quotas?: Partial<SimQuotas>;
}

class BadRequest extends Error {}

export function applyFaults(sim: SimServer, u: FaultsUpdate): void {
  const c = sim.config;
  if (u.faults) {
    for (const key of Object.keys(u.faults)) {
      const svc = key.split(".")[0];
      if (key !== "*" && !(SERVICES as readonly string[]).includes(svc ?? "")) throw new BadRequest(`Unknown service in fault key "${key}"`);
    }
    c.faults = u.replace ? { ...u.faults } : { ...c.faults, ...u.faults };
  } else if (u.replace) {
    c.faults = {};
  }
  if (u.latencyMs !== undefined) c.latencyMs = Number(u.latencyMs);
  if (u.asyncDelayMs !== undefined) c.asyncDelayMs = Number(u.asyncDelayMs);
  if (u.throttling?.enabled !== undefined) c.throttling.enabled = Boolean(u.throttling.enabled);
  if (u.throttling?.perAccount !== undefined) c.throttling.perAccount = Boolean(u.throttling.perAccount);
  if (u.throttling?.rates) {
    for (const [svc, r] of Object.entries(u.throttling.rates)) {
      if (!(SERVICES as readonly string[]).includes(svc)) throw new BadRequest(`Unknown service "${svc}"`);
      c.throttling.rates[svc as ServiceName] = { ...c.throttling.rates[svc as ServiceName], ...r };
    }
  }
  if (u.quotas) c.quotas = { ...c.quotas, ...u.quotas };
  sim.throttler.reset();
}

const str = (b: Record<string, unknown>, k: string): string => {
  const v = b[k];
  if (typeof v !== "string" || v === "") throw new BadRequest(`"${k}" is required`);
  return v;
};
const tagsArg = (t: unknown): Tag[] | undefined =>
  t === undefined ? undefined : Array.isArray(t) ? (t as Tag[]) : tagsFrom(t as Record<string, string>);

/**
 * IAM refuses a trust policy naming an ARN of another partition ("Invalid principal in policy"); the control API
 * refuses it likewise so a test cannot build a role AWS would not have.
 */
function checkTrustPolicy(st: SimState, doc: string): string {
  let parsed: { Statement?: unknown };
  try {
    parsed = JSON.parse(doc) as { Statement?: unknown };
  } catch {
    throw new BadRequest("MalformedPolicyDocument: trustPolicy is not valid JSON");
  }
  const list = (x: unknown): unknown[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);
  for (const s of list(parsed.Statement) as { Principal?: unknown }[]) {
    const principal = s?.Principal;
    if (!principal || typeof principal !== "object") continue;
    for (const p of Object.values(principal as Record<string, unknown>).flatMap(list)) {
      if (typeof p === "string" && p.startsWith("arn:") && arnPartition(p) !== st.partition) {
        throw new BadRequest(`MalformedPolicyDocument: Invalid principal in policy: "${p}"`);
      }
    }
  }
  return doc;
}

function principalArgs(host: ControlHost, b: Record<string, unknown>) {
  const st = host.sim.state;
  const accountId = str(b, "accountId");
  if (!st.accounts.has(accountId)) throw new BadRequest(`Unknown account ${accountId}`);
  const psArn =
    typeof b.permissionSetArn === "string"
      ? b.permissionSetArn
      : [...st.permissionSets.values()].find((p) => p.name === b.permissionSetName)?.arn;
  const ps = psArn ? st.permissionSets.get(psArn) : undefined;
  if (!ps) throw new BadRequest("Unknown permission set (give permissionSetArn or permissionSetName)");
  const principalType = str(b, "principalType") as PrincipalType;
  if (principalType !== "USER" && principalType !== "GROUP") throw new BadRequest("principalType must be USER or GROUP");
  const principalId = str(b, "principalId");
  return { accountId, ps, principalType, principalId };
}

/** Routes /_sim/* requests. Everything here is out of band: it bypasses auth, throttling and faults. */
export function handleControl(host: ControlHost, req: IncomingMessage, res: ServerResponse, url: URL, body: string): void {
  const json = (status: number, data: unknown) => send(res, status, "application/json", JSON.stringify(data), {});
  try {
    const b = (body ? JSON.parse(body) : {}) as Record<string, unknown>;
    const sim = host.sim;
    // async operations settle lazily; make snapshots and out-of-band edits see their current outcome
    settleAsyncOps(sim, Date.now());
    const st = sim.state;
    const route = `${req.method} ${url.pathname.replace(/\/+$/, "")}`;
    switch (route) {
      case "POST /_sim/reset":
        host.reset(b.name || b.generate || b.seed ? parseSeedBody(b) : undefined);
        return json(200, { ok: true });
      case "POST /_sim/seed":
        host.reset(parseSeedBody(b));
        return json(200, { ok: true, accounts: sim.state.accounts.size });
      case "GET /_sim/state":
        return json(200, snapshotState(st, url.searchParams.get("summary") === "1"));
      case "GET /_sim/config":
        return json(200, sim.config);
      case "POST /_sim/faults":
        applyFaults(sim, b as FaultsUpdate);
        return json(200, sim.config);
      case "GET /_sim/stats": {
        // lets benchmarks measure the simulator's own CPU cost from another process
        const cpu = process.cpuUsage();
        return json(200, { requests: sim.log.total, cpuUserMs: cpu.user / 1000, cpuSystemMs: cpu.system / 1000, uptimeMs: process.uptime() * 1000, rssBytes: process.memoryUsage().rss });
      }
      case "GET /_sim/log":
        return json(200, sim.log.snapshot());
      case "DELETE /_sim/log":
        sim.log.clear();
        return json(200, { ok: true });
      case "POST /_sim/settle":
        settleAll(sim);
        return json(200, { ok: true });
      case "POST /_sim/users": {
        const userName = str(b, "userName");
        if ([...st.users.values()].some((u) => u.userName === userName)) throw new BadRequest(`User ${userName} exists`);
        const givenName = typeof b.givenName === "string" ? b.givenName : userName.split("@")[0] ?? userName;
        const familyName = typeof b.familyName === "string" ? b.familyName : "User";
        const user = addUser(st, {
          userName,
          email: typeof b.email === "string" ? b.email : userName,
          givenName,
          familyName,
          displayName: typeof b.displayName === "string" ? b.displayName : `${givenName} ${familyName}`,
        });
        return json(200, user);
      }
      case "DELETE /_sim/users": {
        const userId = str(b, "userId");
        if (!st.users.delete(userId)) throw new BadRequest(`Unknown user ${userId}`);
        for (const [id, m] of st.memberships) if (m.userId === userId) st.memberships.delete(id);
        return json(200, { ok: true });
      }
      case "POST /_sim/groups":
        return json(200, addGroup(st, { displayName: str(b, "displayName"), description: b.description as string | undefined }));
      case "POST /_sim/memberships": {
        const groupId = str(b, "groupId");
        const userId = str(b, "userId");
        if (!st.groups.has(groupId) || !st.users.has(userId)) throw new BadRequest("Unknown group or user");
        return json(200, { membershipId: addMembership(st, groupId, userId) });
      }
      case "POST /_sim/accounts": {
        const id = str(b, "id");
        if (!/^\d{12}$/.test(id) || st.accounts.has(id)) throw new BadRequest("id must be a new 12-digit account id");
        const parentId = typeof b.parentId === "string" ? b.parentId : st.rootId;
        if (parentId !== st.rootId && !st.ous.has(parentId)) throw new BadRequest(`Unknown parent ${parentId}`);
        const name = str(b, "name");
        const account = addAccount(st, { id, name, email: typeof b.email === "string" ? b.email : `aws+${name}@example.com`, parentId, joinedAt: Date.now(), tags: tagsArg(b.tags) ?? [] });
        const pop = b.populate as { environment?: string; team?: string; count?: number } | undefined;
        if (pop) {
          populateAccount(st, {
            accountId: id,
            environment: pop.environment ?? "dev",
            team: pop.team ?? "platform",
            count: pop.count ?? 10,
            portalRoleName: "jit-portal-access",
            externalId: typeof b.externalId === "string" ? b.externalId : "jit-demo-external-id",
            now: Date.now(),
          });
        }
        return json(200, account);
      }
      case "POST /_sim/assignments": {
        const a = principalArgs(host, b);
        const reason = applyProvisioning(st, a.accountId, a.ps, sim.config.quotas);
        if (reason) throw new BadRequest(reason);
        st.assignments.set(assignmentKey(a.accountId, a.ps.arn, a.principalType, a.principalId), {
          accountId: a.accountId,
          permissionSetArn: a.ps.arn,
          principalType: a.principalType,
          principalId: a.principalId,
        });
        return json(200, { ok: true, roleName: st.provisioned.get(provisionKey(a.accountId, a.ps.arn))?.roleName });
      }
      case "DELETE /_sim/assignments": {
        const a = principalArgs(host, b);
        if (!st.assignments.delete(assignmentKey(a.accountId, a.ps.arn, a.principalType, a.principalId))) throw new BadRequest("No such assignment");
        if (![...st.assignments.values()].some((x) => x.accountId === a.accountId && x.permissionSetArn === a.ps.arn)) {
          removeProvisioning(st, a.accountId, a.ps.arn);
        }
        return json(200, { ok: true });
      }
      case "POST /_sim/resources":
        return json(200, addResource(host, b));
      case "DELETE /_sim/resources":
        deleteResource(host, b);
        return json(200, { ok: true });
      case "PATCH /_sim/instances":
        return json(200, setInstanceState(host, b));
      default:
        return json(404, { error: `Unknown control route ${route}` });
    }
  } catch (e) {
    if (e instanceof BadRequest || e instanceof SyntaxError || (e instanceof Error && /seed|generate/.test(e.message))) {
      return json(400, { error: e.message });
    }
    console.error("[aws-sim] control error", e);
    return json(500, { error: "internal error" });
  }
}

function addResource(host: ControlHost, b: Record<string, unknown>): unknown {
  const st = host.sim.state;
  const accountId = str(b, "accountId");
  if (!st.accounts.has(accountId)) throw new BadRequest(`Unknown account ${accountId}`);
  const res = resourcesOf(st, accountId);
  const now = Date.now();
  const region = typeof b.region === "string" ? b.region : (st.regions[0] ?? st.homeRegion);
  if (!isRegionName(region) || partitionOfRegion(region) !== st.partition) throw new BadRequest(`region ${region} is not in the simulator's partition ${st.partition}`);
  const tags = tagsArg(b.tags);
  switch (b.type) {
    case "bucket": {
      const name = str(b, "name");
      for (const r of st.resources.values()) if (r.buckets.has(name)) throw new BadRequest(`Bucket ${name} already exists`);
      const bucket = { name, region, createdAt: now, tags };
      res.buckets.set(name, bucket);
      return bucket;
    }
    case "role":
      return addRole(st, accountId, {
        roleName: str(b, "name"),
        path: typeof b.path === "string" ? b.path : "/",
        trustPolicy: typeof b.trustPolicy === "string" ? checkTrustPolicy(st, b.trustPolicy) : trustPolicyFor(accountRootArn(st, st.managementAccountId)),
        tags: tags ?? [],
        description: b.description as string | undefined,
      });
    case "policy": {
      const name = str(b, "name");
      const policy = {
        name,
        policyId: `ANPA${hexOf(`${accountId}:${name}`, 17).toUpperCase()}`,
        path: typeof b.path === "string" ? b.path : "/",
        description: b.description as string | undefined,
        document: typeof b.document === "string" ? b.document : JSON.stringify({ Version: "2012-10-17", Statement: [] }),
        createdAt: now,
        tags: tags ?? [],
      };
      res.policies.set(name, policy);
      return policy;
    }
    case "instance": {
      const instanceId = typeof b.id === "string" ? b.id : `i-${hexOf(`${accountId}:${now}:${Math.random()}`, 17)}`;
      const instance = {
        instanceId,
        reservationId: `r-${hexOf(instanceId, 17)}`,
        region,
        instanceType: typeof b.instanceType === "string" ? b.instanceType : "t3.micro",
        imageId: `ami-${hexOf(region, 17)}`,
        state: "running" as const,
        privateIp: "10.0.0.10",
        launchedAt: now,
        tags: tags ?? [],
      };
      res.instances.push(instance);
      return instance;
    }
    case "secret": {
      const name = str(b, "name");
      const secret = {
        name,
        arn: `arn:${st.partition}:secretsmanager:${region}:${accountId}:secret:${name}-${hexOf(name, 6)}`,
        region,
        description: b.description as string | undefined,
        createdAt: now,
        lastChangedAt: now,
        tags: tags ?? [],
      };
      res.secrets.push(secret);
      return secret;
    }
    default:
      throw new BadRequest('type must be one of bucket, role, policy, instance, secret');
  }
}

const INSTANCE_STATES: readonly SimInstance["state"][] = ["pending", "running", "shutting-down", "stopping", "stopped", "terminated"];

/** An instance changing state out of band (e.g. terminated in the console): it stays listed, as EC2 lists a terminated one for about an hour. */
function setInstanceState(host: ControlHost, b: Record<string, unknown>): SimInstance {
  const accountId = str(b, "accountId");
  if (!host.sim.state.accounts.has(accountId)) throw new BadRequest(`Unknown account ${accountId}`);
  const instanceId = str(b, "id");
  const state = str(b, "state") as SimInstance["state"];
  if (!INSTANCE_STATES.includes(state)) throw new BadRequest(`state must be one of ${INSTANCE_STATES.join(", ")}`);
  const instance = resourcesOf(host.sim.state, accountId).instances.find((i) => i.instanceId === instanceId);
  if (!instance) throw new BadRequest(`No instance ${instanceId} in account ${accountId}`);
  instance.state = state;
  return instance;
}

function deleteResource(host: ControlHost, b: Record<string, unknown>): void {
  const st = host.sim.state;
  const accountId = str(b, "accountId");
  const res = resourcesOf(st, accountId);
  const name = typeof b.name === "string" ? b.name : str(b, "id");
  let ok = false;
  switch (b.type) {
    case "bucket":
      ok = res.buckets.delete(name);
      break;
    case "role":
      ok = res.roles.delete(name);
      break;
    case "policy":
      ok = res.policies.delete(name);
      break;
    case "instance": {
      const before = res.instances.length;
      res.instances = res.instances.filter((i) => i.instanceId !== name);
      ok = res.instances.length < before;
      break;
    }
    case "secret": {
      const before = res.secrets.length;
      res.secrets = res.secrets.filter((s) => s.name !== name && s.arn !== name);
      ok = res.secrets.length < before;
      break;
    }
    default:
      throw new BadRequest('type must be one of bucket, role, policy, instance, secret');
  }
  if (!ok) throw new BadRequest(`No ${String(b.type)} ${name} in account ${accountId}`);
}
