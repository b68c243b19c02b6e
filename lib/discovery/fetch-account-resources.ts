import pLimit from "p-limit";
import { accountResourcesApi, type TAccountResourcesApi } from "../aws/account-resources-api.ts";
import type { TAwsCredentials } from "../aws/aws-clients.ts";
import { awsErrorInfo } from "../aws/aws-errors.ts";
import { buildResourceSearchText } from "../catalog/search-text.ts";
import type { TResourceTypeName } from "../integrations/integration-config-schema.ts";
import { explainAwsError } from "../integrations/explain-aws-error.ts";
import type { TFoundResource } from "./diff-resources.ts";
import { matchesTagFilters } from "./resource-filters.ts";
import { partitionOfRegion } from "../aws/partition.ts";
import type { TScanTarget } from "./resolve-scan-targets.ts";

export type TTypeError = { type: TResourceTypeName; region?: string; action: string; error: string; fix: string };

export type TAccountScan = {
  resources: TFoundResource[];
  /** Types whose listing failed as a whole: their stored rows are kept. */
  failedTypes: Set<TResourceTypeName>;
  /** `${type}|${region}` whose listing failed (e.g. a region an SCP denies): only that region's rows are kept. */
  failedRegions: string[];
  /** Items listed but whose tags could not be read: kept as stored, reported, the rest of the type syncs. */
  keptArns: string[];
  errors: TTypeError[];
  calls: number;
};

const RESERVED_ROLE_PATHS = ["/aws-reserved/", "/aws-service-role/"];

function resource(type: TResourceTypeName, arn: string, region: string | null, name: string, tags: Record<string, string>, attributes: Record<string, unknown>): TFoundResource {
  return { type, arn, region, name, tags, attributes, searchText: buildResourceSearchText({ name, arn, region, tags }) };
}

/**
 * Lists the enabled resource types in one member account through its assumed role. A type (or one
 * region of it) that fails is reported and marked failed so its stored rows are kept, not deleted.
 * Identity Center's own roles (AWSReservedSSO_*, service-linked roles) and the portal's access role
 * stay out of the catalog: nobody should request them. Assumes the caller decided to scan this account.
 */
export async function fetchAccountResources(credentials: TAwsCredentials, target: TScanTarget, homeRegion: string, opts: { portalRoleName: string | null }): Promise<TAccountScan> {
  const api = accountResourcesApi(credentials, target.accountId, homeRegion);
  const scan: TAccountScan = { resources: [], failedTypes: new Set(), failedRegions: [], keptArns: [], errors: [], calls: 0 };
  const types = new Set(target.resourceTypes);
  const keep = (tags: Record<string, string>) => matchesTagFilters(tags, target.tagFilters.global) && matchesTagFilters(tags, target.tagFilters.entry);
  // One entry per type, action and cause, naming the regions and items it hit: a region-deny SCP or a role
  // without iam:ListRoleTags would otherwise add an entry per region or per role, every run, and crowd the
  // run's error list (capped) so that other accounts' problems no longer show.
  const groups = new Map<string, TTypeError & { regions: string[]; items: string[] }>();
  const report = (type: TResourceTypeName, action: string, e: unknown, region?: string, item?: string) => {
    const x = explainAwsError({ kind: "account-read", action, roleArn: target.roleArn }, awsErrorInfo(e));
    const key = `${type}|${action}|${x.fix}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { type, action, ...x, regions: [], items: [] }));
    if (region) g.regions.push(region);
    if (item) g.items.push(item);
  };
  const fail = (type: TResourceTypeName, action: string, e: unknown, region?: string) => {
    if (region) scan.failedRegions.push(`${type}|${region}`);
    else scan.failedTypes.add(type);
    report(type, action, e, region);
  };
  /** A tag read of one item: a vanished item is skipped (and soft-deleted), any other failure keeps its row. */
  const tagsOf = async (type: TResourceTypeName, action: string, arn: string, read: () => Promise<Record<string, string>>): Promise<Record<string, string> | null> => {
    try {
      return await read();
    } catch (e) {
      if (!awsErrorInfo(e).notFound) {
        scan.keptArns.push(arn);
        report(type, action, e, undefined, arn);
      }
      return null;
    }
  };
  // Tag reads fan out per role/bucket; the per-account rate limiter paces them.
  const fanOut = pLimit(8);
  try {
    const jobs: Promise<void>[] = [];
    const items = { api, scan, keep, fanOut, tagsOf };
    if (types.has("IAM_ROLE")) jobs.push(listRoles(items, opts.portalRoleName).catch((e: unknown) => fail("IAM_ROLE", "iam:ListRoles", e)));
    if (types.has("IAM_POLICY")) jobs.push(listPolicies(items).catch((e: unknown) => fail("IAM_POLICY", "iam:ListPolicies", e)));
    if (types.has("S3_BUCKET")) jobs.push(listBuckets(items).catch((e: unknown) => fail("S3_BUCKET", "s3:ListAllMyBuckets", e)));
    if (types.has("EC2_INSTANCE") || types.has("SECRET")) {
      jobs.push(
        (async () => {
          let regions = target.regions;
          if (!regions) {
            try {
              regions = await api.listEnabledRegions();
            } catch (e) {
              if (types.has("EC2_INSTANCE")) fail("EC2_INSTANCE", "ec2:DescribeRegions", e);
              if (types.has("SECRET")) fail("SECRET", "ec2:DescribeRegions", e);
              return;
            }
          }
          await Promise.all(
            regions.flatMap((region): Promise<void>[] => [
              types.has("EC2_INSTANCE")
                ? api
                    .listInstances(region)
                    .then((is) => {
                      for (const i of is) {
                        if (!keep(i.tags)) continue;
                        const arn = `arn:${partitionOfRegion(region)}:ec2:${region}:${target.accountId}:instance/${i.instanceId}`;
                        scan.resources.push(resource("EC2_INSTANCE", arn, region, i.name ?? i.instanceId, i.tags, { instanceId: i.instanceId, state: i.state, instanceType: i.instanceType, privateIp: i.privateIp }));
                      }
                    })
                    .catch((e: unknown) => fail("EC2_INSTANCE", "ec2:DescribeInstances", e, region))
                : Promise.resolve(),
              types.has("SECRET")
                ? api
                    .listSecrets(region)
                    .then((ss) => {
                      for (const s of ss) if (keep(s.tags)) scan.resources.push(resource("SECRET", s.arn, region, s.name, s.tags, { description: s.description }));
                    })
                    .catch((e: unknown) => fail("SECRET", "secretsmanager:ListSecrets", e, region))
                : Promise.resolve(),
            ]),
          );
        })(),
      );
    }
    await Promise.all(jobs);
    for (const g of groups.values()) scan.errors.push(groupedError(g));
    return scan;
  } finally {
    api.destroy();
  }
}

/** Lists past this many are cut ("… and 12 more"): the error is for reading, the rows keep their own state. */
const LIST_SHOWN = 5;

function shortList(values: string[]): string {
  const sorted = [...new Set(values)].sort();
  return sorted.length <= LIST_SHOWN ? sorted.join(", ") : `${sorted.slice(0, LIST_SHOWN).join(", ")} and ${sorted.length - LIST_SHOWN} more`;
}

function groupedError(g: TTypeError & { regions: string[]; items: string[] }): TTypeError {
  const { regions, items, ...error } = g;
  const region = regions.length > 0 ? shortList(regions) : undefined;
  const action = items.length === 0 ? g.action : items.length === 1 ? `${g.action} (${items[0]})` : `${g.action} (${items.length} items: ${shortList(items)})`;
  return { ...error, action, ...(region ? { region } : {}) };
}

type TItemScan = {
  api: TAccountResourcesApi;
  scan: TAccountScan;
  keep: (t: Record<string, string>) => boolean;
  fanOut: ReturnType<typeof pLimit>;
  tagsOf: (type: TResourceTypeName, action: string, arn: string, read: () => Promise<Record<string, string>>) => Promise<Record<string, string> | null>;
};

async function listRoles({ api, scan, keep, fanOut, tagsOf }: TItemScan, portalRoleName: string | null) {
  const roles = (await api.listRoles()).filter((r) => !RESERVED_ROLE_PATHS.some((p) => r.path.startsWith(p)) && !r.name.startsWith("AWSReservedSSO_") && r.name !== portalRoleName);
  const tagged = await Promise.all(roles.map((r) => fanOut(async () => ({ r, tags: await tagsOf("IAM_ROLE", "iam:ListRoleTags", r.arn, () => api.listRoleTags(r.name)) }))));
  for (const { r, tags } of tagged) {
    if (tags && keep(tags)) scan.resources.push(resource("IAM_ROLE", r.arn, null, r.name, tags, { path: r.path, description: r.description, maxSessionDuration: r.maxSessionDuration }));
  }
}

/** ListPolicies carries no tags, so each customer-managed policy's tags are read like a role's. */
async function listPolicies({ api, scan, keep, fanOut, tagsOf }: TItemScan) {
  const policies = await api.listLocalPolicies();
  const tagged = await Promise.all(policies.map((p) => fanOut(async () => ({ p, tags: await tagsOf("IAM_POLICY", "iam:ListPolicyTags", p.arn, () => api.listPolicyTags(p.arn)) }))));
  for (const { p, tags } of tagged) {
    if (tags && keep(tags)) scan.resources.push(resource("IAM_POLICY", p.arn, null, p.name, tags, { path: p.path, description: p.description, defaultVersionId: p.defaultVersionId, attachmentCount: p.attachmentCount }));
  }
}

async function listBuckets({ api, scan, keep, fanOut, tagsOf }: TItemScan) {
  const buckets = await api.listBuckets();
  const arnOf = (b: { name: string; region: string }) => `arn:${partitionOfRegion(b.region)}:s3:::${b.name}`;
  const tagged = await Promise.all(buckets.map((b) => fanOut(async () => ({ b, tags: await tagsOf("S3_BUCKET", "s3:GetBucketTagging", arnOf(b), () => api.getBucketTags(b.name, b.region)) }))));
  for (const { b, tags } of tagged) if (tags && keep(tags)) scan.resources.push(resource("S3_BUCKET", arnOf(b), b.region, b.name, tags, {}));
}
