// Test data for the approver-side integration tests: one integration, the demo people as Identity Center
// users and groups (as discovery would record them), their portal accounts, and a prod S3 bucket.
import type { TDb } from "../db/client.ts";
import { createTestDatabase } from "../db/test-database.ts";
import type { TDatabase } from "../db/open-database.ts";
import type { TApprovalStep } from "./policy-schemas.ts";

export type TFixture = Awaited<ReturnType<typeof seedApprovalFixture>>;

export async function seedApprovalFixture(db: TDb) {
  const integration = await db.integration.create({ data: { name: `org-${Math.random().toString(36).slice(2, 8)}`, authMethod: "ACCESS_KEY" } });
  const root = await db.orgUnit.create({ data: { integrationId: integration.id, awsId: "r-jt01", name: "Root", path: "Root", idPath: "r-jt01" } });
  const prodOu = await db.orgUnit.create({
    data: { integrationId: integration.id, awsId: "ou-jt01-prod0001", name: "Prod", parentId: root.id, path: "Root/Workloads/Prod", idPath: "r-jt01/ou-jt01-workload/ou-jt01-prod0001" },
  });
  const account = await db.account.create({ data: { integrationId: integration.id, accountId: "222222222222", name: "prod-workloads", orgUnitId: prodOu.id } });
  const bucket = await db.resource.create({
    data: { integrationId: integration.id, accountId: account.id, type: "S3_BUCKET", arn: "arn:aws:s3:::prod-platform-logs", name: "prod-platform-logs", region: "us-east-1" },
  });
  const person = async (key: string, displayName: string, isAdmin = false) => {
    const email = `${key}@example.com`;
    const principal = await db.principal.create({ data: { integrationId: integration.id, type: "USER", awsId: `uid-${key}`, userName: email, displayName, email } });
    const user = await db.user.create({ data: { email, name: displayName, isAdmin } });
    return { principal, user, actor: { id: user.id, email: user.email, name: user.name } };
  };
  const riley = await person("riley", "Riley Park");
  const avery = await person("avery", "Avery Chen");
  const sam = await person("sam", "Sam Ortiz");
  const adrian = await person("adrian", "Adrian Cole", true);
  const group = (name: string) => db.principal.create({ data: { integrationId: integration.id, type: "GROUP", awsId: `gid-${name}`, displayName: name } });
  const developers = await group("Developers");
  const leads = await group("Platform Leads");
  const security = await group("Security");
  const member = (g: { id: string }, p: { principal: { id: string } }) => db.principalMembership.create({ data: { groupId: g.id, memberId: p.principal.id } });
  await member(developers, riley);
  await member(leads, avery);
  await member(developers, avery);
  await member(security, sam);
  await member(security, adrian);

  const policyDocument = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket"], Resource: ["arn:aws:s3:::prod-platform-logs", "arn:aws:s3:::prod-platform-logs/*"] }],
  });

  /** A request as the requester side writes it (see TEAM-RULES "Contracts between engineers"). */
  const createRequest = async (opts: {
    by?: { user: { id: string }; principal: { id: string } };
    steps: Pick<TApprovalStep, "name" | "userIds" | "groupIds" | "quorum">[];
    status?: "PENDING" | "APPROVED" | "DENIED" | "CANCELLED" | "TIMED_OUT";
    currentStep?: number;
    pendingExpiresAt?: Date | null;
    requesterPrincipalId?: string | null;
    createdAt?: Date;
  }) => {
    const by = opts.by ?? riley;
    return db.accessRequest.create({
      data: {
        integrationId: integration.id,
        requesterId: by.user.id,
        requesterPrincipalId: opts.requesterPrincipalId === undefined ? by.principal.id : opts.requesterPrincipalId,
        targetType: "RESOURCE",
        resourceId: bucket.id,
        accountId: account.id,
        targetSnapshot: { name: bucket.name, type: "S3_BUCKET", arn: bucket.arn, accountId: account.accountId, accountName: account.name, ouPath: prodOu.path, region: "us-east-1" },
        accessLevel: "read",
        policyDocument,
        durationMinutes: 60,
        justification: "Investigating the failed nightly export",
        ticket: "OPS-1234",
        status: opts.status ?? "PENDING",
        policySnapshot: {
          policyId: null,
          policyIds: [],
          approvalSteps: opts.steps,
          autoApprove: false,
          maxDurationMinutes: 60,
          requireJustification: true,
          requireTicket: false,
          pendingTimeoutMinutes: 1440,
        },
        currentStep: opts.currentStep ?? 0,
        pendingExpiresAt: opts.pendingExpiresAt === undefined ? new Date(Date.now() + 24 * 3600_000) : opts.pendingExpiresAt,
        ...(opts.createdAt ? { createdAt: opts.createdAt } : {}),
      },
    });
  };

  const leadsStep = { name: "Platform leads", userIds: [], groupIds: [leads.id], quorum: 1 };
  const securityStep = { name: "Security", userIds: [], groupIds: [security.id], quorum: 1 };
  return { integration, account, bucket, prodOu, riley, avery, sam, adrian, developers, leads, security, createRequest, leadsStep, securityStep };
}

/** Notification channels switched off: these tests check the records, not delivery. */
export const NO_CHANNELS = { smtpUrl: null, smtpFrom: "x@localhost", slackWebhookUrl: null, baseUrl: null };

/** A fresh migrated database seeded with the approval fixture, for one test file. */
export async function openApprovalFixture(): Promise<{ database: TDatabase; f: TFixture }> {
  const database = await createTestDatabase();
  return { database, f: await seedApprovalFixture(database.prisma) };
}
