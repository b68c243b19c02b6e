import type { TDb } from "../db/client.ts";
import { createPolicy } from "../policies/create-policy.ts";

/** OU and account ids of the simulator's sample organization (lib/aws-sim/sample-org.ts). */
const PROD_OU = "ou-jt01-prod0001";
const DEV_WORKLOADS = "333333333333";

export const DEMO_POLICY_NAMES = {
  devReadAuto: "Dev workloads: S3 and EC2 read (automatic)",
  prodS3Read: "Production S3 read (Platform Leads approve)",
  prodReadOnlyPermissionSet: "Production ReadOnlyAccess (Platform Leads approve)",
  prodTagged: "Tagged environment=prod: secrets, instances, roles (two approvals + ticket)",
  dataEngineersGroup: "Join Data Engineers (Platform Leads approve)",
} as const;

/**
 * One example of each AWS delegation model against the discovered sample organization: account-based,
 * OU-based (the riley → avery flow other specs rely on: S3 read in a prod account, one step by Platform
 * Leads, quorum 1, no ticket), permission-set-based, tag-based, and group membership.
 *
 * Call after the first discovery of the demo integration (principals and the permission set must exist).
 * Idempotent: a policy whose name exists is left alone; one whose groups or permission set were not
 * discovered is skipped and reported. Demo data only; writes audit events as "system".
 */
export async function seedDemoPolicies(db: TDb, integrationId: string) {
  const groups = await db.principal.findMany({ where: { integrationId, type: "GROUP", deletedAt: null }, select: { id: true, displayName: true } });
  const groupId = (name: string) => groups.find((g) => g.displayName === name)?.id;
  const readOnly = await db.permissionSet.findFirst({ where: { integrationId, name: "ReadOnlyAccess", deletedAt: null }, select: { id: true } });
  const developers = groupId("Developers");
  const leads = groupId("Platform Leads");
  const security = groupId("Security");
  const dataEngineers = groupId("Data Engineers");

  const leadsStep = leads ? [{ name: "Platform Leads", userIds: [], groupIds: [leads], quorum: 1 }] : [];
  const base = { integrationId, enabled: true, requireJustification: true, requireTicket: false, pendingTimeoutMinutes: 1440 };
  const candidates: { name: string; needs: (string | undefined)[]; input: Record<string, unknown> }[] = [
    {
      name: DEMO_POLICY_NAMES.devReadAuto,
      needs: [developers],
      input: {
        ...base,
        description: "Account-based: developers read S3 buckets and inspect EC2 instances in dev-workloads, approved automatically.",
        accountIds: [DEV_WORKLOADS],
        targetTypes: ["S3_BUCKET", "EC2_INSTANCE"],
        accessLevels: ["read"],
        requesterGroupIds: [developers],
        maxDurationMinutes: 240,
        autoApprove: true,
      },
    },
    {
      name: DEMO_POLICY_NAMES.prodS3Read,
      needs: [developers, leads],
      input: {
        ...base,
        description: "OU-based: developers read S3 buckets in the Workloads/Prod accounts after one Platform Lead approves.",
        orgUnitIds: [PROD_OU],
        targetTypes: ["S3_BUCKET"],
        accessLevels: ["read"],
        requesterGroupIds: [developers],
        maxDurationMinutes: 120,
        approvalSteps: leadsStep,
      },
    },
    {
      name: DEMO_POLICY_NAMES.prodReadOnlyPermissionSet,
      needs: [developers, leads, readOnly?.id],
      input: {
        ...base,
        description: "Permission-set-based: developers are assigned ReadOnlyAccess in production accounts after one Platform Lead approves.",
        orgUnitIds: [PROD_OU],
        targetTypes: ["PERMISSION_SET"],
        permissionSetIds: readOnly ? [readOnly.id] : [],
        requesterGroupIds: [developers],
        maxDurationMinutes: 120,
        approvalSteps: leadsStep,
      },
    },
    {
      name: DEMO_POLICY_NAMES.prodTagged,
      needs: [developers, dataEngineers, leads, security],
      input: {
        ...base,
        description: "Tag-based: anything tagged environment=prod among secrets, EC2 instances and IAM roles needs a Platform Lead, then Security, and a change ticket.",
        targetTypes: ["SECRET", "EC2_INSTANCE", "IAM_ROLE"],
        tagConditions: [{ key: "environment", values: ["prod"] }],
        requesterGroupIds: [developers, dataEngineers],
        maxDurationMinutes: 60,
        requireTicket: true,
        ticketPattern: "[A-Z][A-Z0-9]+-[0-9]+",
        approvalSteps: [
          { name: "Platform Leads", userIds: [], groupIds: [leads], quorum: 1 },
          { name: "Security", userIds: [], groupIds: [security], quorum: 1 },
        ],
      },
    },
    {
      name: DEMO_POLICY_NAMES.dataEngineersGroup,
      needs: [developers, leads, dataEngineers],
      input: {
        ...base,
        description: "Group membership: developers join Data Engineers (and everything it is assigned) after one Platform Lead approves.",
        targetTypes: ["GROUP"],
        groupIds: [dataEngineers],
        requesterGroupIds: [developers],
        maxDurationMinutes: 480,
        approvalSteps: leadsStep,
      },
    },
  ];

  const created: string[] = [];
  const skipped: { name: string; reason: string }[] = [];
  for (const candidate of candidates) {
    if (await db.policy.findUnique({ where: { name: candidate.name }, select: { id: true } })) {
      skipped.push({ name: candidate.name, reason: "exists" });
      continue;
    }
    if (candidate.needs.some((id) => !id)) {
      skipped.push({ name: candidate.name, reason: "groups or permission set not discovered yet" });
      continue;
    }
    await createPolicy(db, "system", { ...candidate.input, name: candidate.name });
    created.push(candidate.name);
  }
  return { created, skipped };
}
