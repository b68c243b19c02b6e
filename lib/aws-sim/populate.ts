import { inPartition } from "./partition";
import { accountRootArn, addRole, policyArn, tagsFrom, trustPolicyFor } from "./state";
import type { SimState, Tag } from "./types";
import { hexOf, resourcesOf } from "./util";

export interface PopulateOptions {
  accountId: string;
  environment: string;
  team: string;
  /** total resources spread over roles, policies, buckets, instances and secrets */
  count: number;
  portalRoleName: string;
  externalId: string;
  now: number;
}

const PURPOSES = ["app", "data", "logs", "ml", "etl", "web", "api", "batch", "cache", "reports"];
const TYPES = ["t3.micro", "t3.medium", "m6i.large", "c6g.xlarge", "r6i.large"];

/**
 * Fills one member account with the discovery targets. Deterministic in its inputs; every third
 * resource of a kind is left without tags so tag filters have something to exclude.
 */
export function populateAccount(state: SimState, o: PopulateOptions): void {
  const res = resourcesOf(state, o.accountId);
  const mgmtRoot = accountRootArn(state, state.managementAccountId);
  // the partition's two seeded regions, alternating
  const regionOf = (i: number) => state.regions[i % 2] ?? state.regions[0] ?? state.homeRegion;
  addRole(
    state,
    o.accountId,
    {
      roleName: o.portalRoleName,
      trustPolicy: trustPolicyFor(mgmtRoot, o.externalId),
      description: "Read-only discovery role for the JIT access portal",
      tags: tagsFrom({ "managed-by": "jit-portal" }),
      attachedPolicyArns: [inPartition("arn:aws:iam::aws:policy/ReadOnlyAccess", state.partition)],
      createdAt: o.now,
    },
    o.now,
  );
  const tagsFor = (i: number): Tag[] | undefined =>
    i % 3 === 2 ? undefined : tagsFrom({ team: i % 4 === 3 ? "shared" : o.team, environment: o.environment });

  const n = Math.max(0, o.count);
  const counts = {
    roles: Math.round(n * 0.2),
    policies: Math.round(n * 0.1),
    buckets: Math.round(n * 0.2),
    instances: Math.round(n * 0.3),
  };
  const secrets = Math.max(0, n - counts.roles - counts.policies - counts.buckets - counts.instances);

  for (let i = 0; i < counts.policies; i++) {
    const name = `${o.team}-${PURPOSES[i % PURPOSES.length]}-access-${i}`;
    const path = i % 2 === 0 ? "/" : `/${o.team}/`;
    res.policies.set(name, {
      name,
      policyId: `ANPA${hexOf(`${o.accountId}:${name}`, 17).toUpperCase()}`,
      path,
      description: `Access to ${o.team} ${PURPOSES[i % PURPOSES.length]} resources`,
      document: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket"], Resource: "*" }],
      }),
      createdAt: o.now,
      tags: tagsFor(i) ?? [],
    });
  }
  const policyNames = [...res.policies.values()];
  for (let i = 0; i < counts.roles; i++) {
    const purpose = PURPOSES[i % PURPOSES.length];
    const pol = policyNames.length > 0 ? policyNames[i % policyNames.length] : undefined;
    addRole(
      state,
      o.accountId,
      {
        roleName: `${o.team}-${purpose}-role-${i}`,
        path: i % 2 === 0 ? "/" : "/service-role/",
        trustPolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
        description: `${purpose} workload role`,
        tags: tagsFor(i) ?? [],
        attachedPolicyArns: pol ? [policyArn(state.partition, o.accountId, pol.path, pol.name)] : [],
        inlinePolicies: i % 2 === 0 ? { [`${purpose}-inline`]: JSON.stringify({ Version: "2012-10-17", Statement: [] }) } : {},
        createdAt: o.now,
      },
      o.now,
    );
  }
  for (let i = 0; i < counts.buckets; i++) {
    const name = `${o.team}-${o.environment}-${PURPOSES[i % PURPOSES.length]}-${i}-${o.accountId}`;
    res.buckets.set(name, {
      name,
      region: regionOf(i),
      createdAt: o.now,
      tags: tagsFor(i),
    });
  }
  for (let i = 0; i < counts.instances; i++) {
    const region = regionOf(i);
    const tags = [...(tagsFor(i) ?? []), { Key: "Name", Value: `${o.team}-${PURPOSES[i % PURPOSES.length]}-${i}` }];
    res.instances.push({
      instanceId: `i-${hexOf(`${o.accountId}:i:${i}`, 17)}`,
      // two instances per reservation, like a launch of count=2
      reservationId: `r-${hexOf(`${o.accountId}:r:${Math.floor(i / 4)}:${region}`, 17)}`,
      region,
      instanceType: TYPES[i % TYPES.length] ?? "t3.micro",
      imageId: `ami-${hexOf(region, 17)}`,
      state: i % 7 === 6 ? "stopped" : "running",
      privateIp: `10.${Number(o.accountId.slice(-2)) % 255}.${Math.floor(i / 250)}.${(i % 250) + 4}`,
      launchedAt: o.now,
      tags,
    });
  }
  for (let i = 0; i < secrets; i++) {
    const region = regionOf(i);
    const name = `${o.environment}/${o.team}/${PURPOSES[i % PURPOSES.length]}-${i}`;
    res.secrets.push({
      name,
      arn: `arn:${state.partition}:secretsmanager:${region}:${o.accountId}:secret:${name}-${hexOf(`${o.accountId}:${name}`, 6)}`,
      region,
      description: `${PURPOSES[i % PURPOSES.length]} credentials`,
      createdAt: o.now,
      lastChangedAt: o.now,
      tags: tagsFor(i) ?? [],
    });
  }
}
