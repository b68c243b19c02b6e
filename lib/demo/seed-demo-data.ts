import { appendAuditEvent } from "../audit/append-audit-event.ts";
import { DEMO_ADMIN_EMAILS, DEMO_USERS } from "../auth/demo-users.ts";
import type { TDb } from "../db/client.ts";

/**
 * Demo data: the demo users (so approver lists and the audit log have names before anyone signs in).
 * Idempotent: running it again changes nothing.
 */
export async function seedDemoData(db: TDb) {
  let created = 0;
  for (const u of DEMO_USERS) {
    const existing = await db.user.findUnique({ where: { email: u.email } });
    if (existing) continue;
    await db.$transaction(async (tx) => {
      const user = await tx.user.create({ data: { email: u.email, name: u.name, isAdmin: DEMO_ADMIN_EMAILS.includes(u.email) } });
      await appendAuditEvent(tx, { actor: "system", action: "user.seeded", subjectType: "User", subjectId: user.id, details: { email: u.email, role: u.role } });
    });
    created += 1;
  }
  return { users: created };
}

export const DEMO_INTEGRATION_NAME = "Demo organization (simulated)";

/**
 * Demo mode only: connects the simulator's sample organization (its management access key, every
 * member account through jit-portal-access with the sample external id) if no integration exists,
 * runs a discovery so the catalog is filled before the portal starts, then adds the demo policies.
 * The simulator must already be reachable through AWS_ENDPOINT_URL. Writes audit events as "system".
 */
export async function seedDemoIntegration(db: TDb) {
  const { SAMPLE_ORG } = await import("../aws-sim/sample-org.ts");
  const { saveIntegration } = await import("../integrations/save-integration.ts");
  const { startDiscovery } = await import("../discovery/start-discovery.ts");
  const S = SAMPLE_ORG;
  let integration = await db.integration.findFirst({ where: { name: DEMO_INTEGRATION_NAME } });
  const created = !integration && (await db.integration.count()) === 0;
  if (created) {
    const { id } = await saveIntegration(db, {
      actor: "system",
      config: {
        name: DEMO_INTEGRATION_NAME,
        root_account: { access_key_id: S.accessKeyId, secret_access_key: S.secretAccessKey, region: S.region },
        sub_accounts: [{ account_id: "*", access_role_arn: `arn:aws:iam::*:role/${S.portalRoleName}`, external_id: S.externalId }],
        options: { sso_instance_arn: S.instanceArn },
      },
    });
    integration = await db.integration.findUniqueOrThrow({ where: { id } });
  }
  if (!integration) return { integration: null, discovery: null, policies: null };
  // The simulator starts from its seed on every demo start: re-discover so the database matches it.
  const run = await startDiscovery(db, integration.id, { trigger: "DEMO", actor: "system" });
  const summary = await run.done;
  let policies: unknown = null;
  try {
    const { seedDemoPolicies } = await import("./seed-demo-policies.ts");
    policies = await seedDemoPolicies(db, integration.id);
  } catch (e) {
    // The portal must still start; the admin can write policies by hand.
    console.error(`Demo policies not seeded: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { integration: integration.id, created, discovery: summary ? { status: summary.status, resources: summary.counts.resourcesCreated ?? 0, errors: summary.errors.length } : null, policies };
}
