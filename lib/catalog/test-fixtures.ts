import type { TDb } from "../db/client.ts";
import { buildResourceSearchText } from "./search-text";

/**
 * A small discovered organization shaped like the simulator's sample org (same names and ids), written
 * straight to the database for catalog/request tests, since discovery is another module's job.
 * Test-only: nothing in the product imports it.
 */
export async function seedCatalogFixture(db: TDb, options: { name?: string } = {}) {
  const integration = await db.integration.create({
    data: { name: options.name ?? "demo", authMethod: "ACCESS_KEY", identityStoreId: "d-9067aa11bb", instanceArn: "arn:aws:sso:::instance/ssoins-7223aa11bb22cc33" },
  });
  const integrationId = integration.id;
  const ou = async (awsId: string, name: string, parent: { id: string; path: string; idPath: string } | null) =>
    db.orgUnit.create({
      data: {
        integrationId,
        awsId,
        name,
        parentId: parent?.id ?? null,
        path: parent ? `${parent.path}/${name}` : name,
        idPath: parent ? `${parent.idPath}/${awsId}` : awsId,
      },
    });
  const root = await ou("r-jt01", "Root", null);
  const workloads = await ou("ou-jt01-workload", "Workloads", root);
  const prod = await ou("ou-jt01-prod0001", "Prod", workloads);
  const dev = await ou("ou-jt01-dev00001", "Dev", workloads);
  const account = (accountId: string, name: string, orgUnitId: string, extra: { deletedAt?: Date } = {}) =>
    db.account.create({ data: { integrationId, accountId, name, orgUnitId, ...extra } });
  const prodWorkloads = await account("222222222222", "prod-workloads", prod.id);
  const devWorkloads = await account("333333333333", "dev-workloads", dev.id);
  const closed = await account("999999999999", "closed-account", dev.id, { deletedAt: new Date() });

  const user = (awsId: string, displayName: string, email: string) =>
    db.principal.create({ data: { integrationId, type: "USER", awsId, displayName, email, userName: email } });
  const group = (awsId: string, displayName: string, extra: { deletedAt?: Date } = {}) =>
    db.principal.create({ data: { integrationId, type: "GROUP", awsId, displayName, description: `${displayName} group`, ...extra } });
  const riley = await user("u-riley", "Riley Park", "riley@example.com");
  const avery = await user("u-avery", "Avery Chen", "avery@example.com");
  const sam = await user("u-sam", "Sam Ortiz", "sam@example.com");
  const adrian = await user("u-adrian", "Adrian Cole", "adrian@example.com");
  const developers = await group("g-dev", "Developers");
  const leads = await group("g-leads", "Platform Leads");
  const security = await group("g-sec", "Security");
  const dataEngineers = await group("g-data", "Data Engineers");
  const formerGroup = await group("g-old", "Former Contractors", { deletedAt: new Date() });
  const member = (g: { id: string }, u: { id: string }) => db.principalMembership.create({ data: { groupId: g.id, memberId: u.id } });
  await member(developers, riley);
  await member(developers, avery);
  await member(leads, avery);
  await member(security, sam);
  await member(security, adrian);

  const permissionSet = (name: string, extra: { portalManaged?: boolean; deletedAt?: Date } = {}) =>
    db.permissionSet.create({
      data: { integrationId, name, arn: `arn:aws:sso:::permissionSet/ssoins-7223aa11bb22cc33/ps-${name.toLowerCase().replace(/[^a-z0-9]/g, "").padEnd(16, "0").slice(0, 16)}`, description: `${name} access`, ...extra },
    });
  const readOnly = await permissionSet("ReadOnlyAccess");
  const temp = await permissionSet("jit-temp0001", { portalManaged: true });
  const gone = await permissionSet("RetiredAccess", { deletedAt: new Date() });
  for (const ps of [readOnly, temp, gone]) {
    for (const acc of [prodWorkloads, devWorkloads]) await db.permissionSetAccount.create({ data: { permissionSetId: ps.id, accountId: acc.id } });
  }

  const resource = async (
    acc: { id: string; accountId: string },
    type: "S3_BUCKET" | "EC2_INSTANCE" | "SECRET" | "IAM_ROLE" | "IAM_POLICY",
    name: string,
    tags: Record<string, string>,
    extra: { deletedAt?: Date; region?: string } = {},
  ) => {
    const region = extra.region ?? "us-east-1";
    const arn =
      type === "S3_BUCKET"
        ? `arn:aws:s3:::${name}`
        : type === "EC2_INSTANCE"
          ? `arn:aws:ec2:${region}:${acc.accountId}:instance/${name}`
          : type === "SECRET"
            ? `arn:aws:secretsmanager:${region}:${acc.accountId}:secret:${name}-AbCdEf`
            : type === "IAM_ROLE"
              ? `arn:aws:iam::${acc.accountId}:role/${name}`
              : `arn:aws:iam::${acc.accountId}:policy/${name}`;
    return db.resource.create({
      data: {
        integrationId,
        accountId: acc.id,
        type,
        arn,
        name,
        region: type === "S3_BUCKET" || type.startsWith("IAM") ? null : region,
        tags,
        attributes: type === "EC2_INSTANCE" ? { state: "running" } : {},
        searchText: buildResourceSearchText({ name, arn, region, tags }),
        deletedAt: extra.deletedAt ?? null,
      },
    });
  };
  const prodBucket = await resource(prodWorkloads, "S3_BUCKET", "platform-prod-app-0-222222222222", { environment: "prod", team: "platform" });
  const prodBucketUntagged = await resource(prodWorkloads, "S3_BUCKET", "platform-prod-logs-2-222222222222", {});
  const prodSecret = await resource(prodWorkloads, "SECRET", "prod/platform/app-0", { environment: "prod", team: "platform" });
  const prodInstance = await resource(prodWorkloads, "EC2_INSTANCE", "i-0123456789abcdef0", { environment: "prod", Name: "platform-web-1" });
  const prodRole = await resource(prodWorkloads, "IAM_ROLE", "platform-app-role-0", { environment: "prod" });
  const devBucket = await resource(devWorkloads, "S3_BUCKET", "platform-dev-app-0-333333333333", { environment: "dev", team: "platform" });
  const devInstance = await resource(devWorkloads, "EC2_INSTANCE", "i-0aaaaaaaaaaaaaaa1", { environment: "dev" });
  const devPolicy = await resource(devWorkloads, "IAM_POLICY", "platform-data-access-1", {});
  const deletedBucket = await resource(devWorkloads, "S3_BUCKET", "platform-dev-deleted-9-333333333333", { environment: "dev" }, { deletedAt: new Date() });
  const closedBucket = await resource(closed, "S3_BUCKET", "closed-bucket-999999999999", { environment: "dev" });

  const portalUser = async (email: string, name: string, isAdmin = false) => db.user.create({ data: { email, name, isAdmin } });
  const users = {
    riley: await portalUser("riley@example.com", "Riley Park"),
    avery: await portalUser("avery@example.com", "Avery Chen"),
    sam: await portalUser("sam@example.com", "Sam Ortiz"),
    adrian: await portalUser("adrian@example.com", "Adrian Cole", true),
    outsider: await portalUser("outsider@example.com", "Out Sider"),
  };

  return {
    integrationId,
    orgUnits: { root, workloads, prod, dev },
    accounts: { prodWorkloads, devWorkloads, closed },
    principals: { riley, avery, sam, adrian, developers, leads, security, dataEngineers, formerGroup },
    permissionSets: { readOnly, temp, gone },
    resources: { prodBucket, prodBucketUntagged, prodSecret, prodInstance, prodRole, devBucket, devInstance, devPolicy, deletedBucket, closedBucket },
    users,
  };
}
export type TCatalogFixture = Awaited<ReturnType<typeof seedCatalogFixture>>;
