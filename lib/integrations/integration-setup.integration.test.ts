import { randomBytes } from "node:crypto";
import { RegisterDelegatedAdministratorCommand } from "@aws-sdk/client-organizations";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SAMPLE_ORG, startAwsSimulator, type AwsSimulator } from "../aws-sim/index.ts";
import { simClients } from "../aws-sim/test-clients.ts";
import { sealV1 } from "../crypto/legacy-v1-seal.test-helper.ts";
import { decryptSecret, encryptionKeys, encryptSecret, integrationSecretContext, keyId } from "../crypto/secret-box.ts";
import type { TDb } from "../db/client.ts";
import type { TDatabase } from "../db/open-database.ts";
import { createTestDatabase } from "../db/test-database.ts";
import { integrationConfigView } from "./integration-config-view.ts";
import { integrationCredentials } from "./integration-credentials.ts";
import { resealIntegrationSecrets } from "./reseal-integration-secrets.ts";
import { saveIntegration } from "./save-integration.ts";
import { testIntegrationConnection, type TConnectionCheck, type TConnectionEvent } from "./test-integration-connection.ts";

let sim: AwsSimulator;
let database: TDatabase;
let db: TDb;
const S = SAMPLE_ORG;
const admin = { id: "admin-1", email: "adrian@example.com" };
let n = 0;

const config = (o: { externalId?: string; instanceArn?: string; secret?: string } = {}) => ({
  name: `org-${++n}`,
  root_account: { access_key_id: S.accessKeyId, secret_access_key: o.secret ?? S.secretAccessKey, region: S.region },
  sub_accounts: [{ account_id: "*", access_role_arn: `arn:aws:iam::*:role/${S.portalRoleName}`, external_id: o.externalId ?? S.externalId }],
  options: { sso_instance_arn: o.instanceArn ?? S.instanceArn },
});

async function runTest(id: string) {
  const events: TConnectionEvent[] = [];
  const result = await testIntegrationConnection(db, id, (e) => events.push(e));
  const checks = new Map(events.flatMap((e) => (e.type === "check" ? [[e.check.id, e.check] as [string, TConnectionCheck]] : [])));
  return { result, checks, events };
}

beforeAll(async () => {
  sim = await startAwsSimulator({ seed: "sample" });
  process.env.AWS_ENDPOINT_URL = sim.url;
  database = await createTestDatabase();
  db = database.prisma;
});
beforeEach(() => sim.setFaults({ replace: true }));
afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL;
  await database?.close();
  await sim?.close();
});

describe("saving an integration", () => {
  it("encrypts the secret, keeps it when the admin saves without retyping it, and audits every change", async () => {
    const { id } = await saveIntegration(db, { config: config(), actor: admin });
    const row = await db.integration.findUniqueOrThrow({ where: { id } });
    expect(row.secretAccessKeyEnc).not.toContain(S.secretAccessKey);
    expect(decryptSecret(row.secretAccessKeyEnc!, integrationSecretContext(id))).toBe(S.secretAccessKey);

    const view = integrationConfigView(row);
    expect(JSON.stringify(view)).not.toContain(S.secretAccessKey);
    const edited = { ...view, options: { ...view.options, sync_interval_minutes: 30 } };
    const saved = await saveIntegration(db, { id, config: edited, actor: admin });
    expect(saved.changed).toEqual(["syncIntervalMinutes"]);
    const after = await db.integration.findUniqueOrThrow({ where: { id } });
    expect(after.secretAccessKeyEnc).toBe(row.secretAccessKeyEnc);
    expect(after.syncIntervalMinutes).toBe(30);

    // A new secret: audited by name only, never its value (plain or encrypted).
    const newSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYNEWSECRET1";
    await saveIntegration(db, { id, config: { ...edited, root_account: { ...edited.root_account, secret_access_key: newSecret } }, actor: admin });
    const rotated = await db.integration.findUniqueOrThrow({ where: { id } });

    const events = await db.auditEvent.findMany({ where: { integrationId: id }, orderBy: { seq: "asc" } });
    expect(events.map((e) => e.action)).toEqual(["integration.created", "integration.updated", "integration.updated"]);
    // Each change says what it was and what it became.
    expect(events[1]?.details).toMatchObject({ changed: ["syncIntervalMinutes"], values: { syncIntervalMinutes: { from: row.syncIntervalMinutes, to: 30 } } });
    expect(events[2]?.details).toMatchObject({ changed: ["secretAccessKey"], values: {} });
    const audited = JSON.stringify(events.map((e) => e.details));
    for (const secret of [S.secretAccessKey, newSecret, row.secretAccessKeyEnc!, rotated.secretAccessKeyEnc!]) expect(audited).not.toContain(secret);
    expect(events[1]?.actorEmail).toBe(admin.email);
  });

  it("forgets the identity store when the instance changes, even though the editor sends the old id back", async () => {
    const { id } = await saveIntegration(db, { config: config(), actor: admin });
    await db.integration.update({ where: { id }, data: { identityStoreId: "d-0000000001" } });
    const view = integrationConfigView(await db.integration.findUniqueOrThrow({ where: { id } }));
    expect(view.options!.identity_store_id).toBe("d-0000000001");
    const otherInstance = "arn:aws:sso:::instance/ssoins-99999999aaaaaaaa";
    await saveIntegration(db, { id, config: { ...view, options: { ...view.options, sso_instance_arn: otherInstance } }, actor: admin });
    expect(await db.integration.findUniqueOrThrow({ where: { id }, select: { instanceArn: true, identityStoreId: true } })).toEqual({ instanceArn: otherInstance, identityStoreId: null });
    // With an access key, the key's account is learnt from AWS (connection test or run) and kept by later saves.
    await runTest(id);
    const learnt = await db.integration.findUniqueOrThrow({ where: { id } });
    expect(learnt.rootAccountId).toBe(S.managementAccountId);
    await saveIntegration(db, { id, config: { ...integrationConfigView(learnt), enabled: true }, actor: admin });
    expect((await db.integration.findUniqueOrThrow({ where: { id } })).rootAccountId).toBe(S.managementAccountId);
    // A new id typed with the new instance is kept.
    const again = integrationConfigView(await db.integration.findUniqueOrThrow({ where: { id } }));
    await saveIntegration(db, { id, config: { ...again, options: { ...again.options, sso_instance_arn: S.instanceArn, identity_store_id: "d-0000000002" } }, actor: admin });
    expect((await db.integration.findUniqueOrThrow({ where: { id } })).identityStoreId).toBe("d-0000000002");
  });

  it("keeps an instance discovery learnt after the editor loaded; an editor loaded since can clear it", async () => {
    const { id } = await saveIntegration(db, { config: { ...config(), options: {} }, actor: admin });
    const loaded = await db.integration.findUniqueOrThrow({ where: { id } });
    const staleView = integrationConfigView(loaded);
    expect(staleView.options?.sso_instance_arn).toBeUndefined();
    // Discovery learns the instance while the editor is open.
    await db.integration.update({ where: { id }, data: { instanceArn: S.instanceArn, identityStoreId: "d-9067aa11bb" } });
    const edited = { ...staleView, options: { ...staleView.options, sync_interval_minutes: 30 } };
    expect((await saveIntegration(db, { id, config: edited, actor: admin, loadedAt: loaded.updatedAt })).changed).toEqual(["syncIntervalMinutes"]);
    const kept = await db.integration.findUniqueOrThrow({ where: { id } });
    expect([kept.instanceArn, kept.identityStoreId]).toEqual([S.instanceArn, "d-9067aa11bb"]);
    // An editor that showed the instance and had it removed clears it (and the identity store with it).
    const fresh = integrationConfigView(kept);
    const cleared = { ...fresh, options: { ...fresh.options, sso_instance_arn: undefined, identity_store_id: undefined } };
    await saveIntegration(db, { id, config: cleared, actor: admin, loadedAt: kept.updatedAt });
    const after = await db.integration.findUniqueOrThrow({ where: { id } });
    expect([after.instanceArn, after.identityStoreId]).toEqual([null, null]);
  });

  it("refuses a new integration without a secret, a duplicate name, and a new key id without its secret", async () => {
    await expect(saveIntegration(db, { config: config({ secret: "set" }), actor: admin })).rejects.toMatchObject({ code: "INVALID_INPUT", userMessage: "root_account.secret_access_key: is required for a new integration" });
    const first = config();
    const { id } = await saveIntegration(db, { config: first, actor: admin });
    await expect(saveIntegration(db, { config: { ...config(), name: first.name }, actor: admin })).rejects.toMatchObject({ userMessage: expect.stringContaining("already exists") });
    const view = integrationConfigView(await db.integration.findUniqueOrThrow({ where: { id } }));
    await expect(saveIntegration(db, { id, config: { ...view, root_account: { ...view.root_account, access_key_id: "AKIAJITDEMO000000009" } }, actor: admin })).rejects.toMatchObject({ userMessage: expect.stringContaining("secret_access_key") });
  });
});

describe("stored secret binding and rotation", () => {
  const current = () => `v2:${keyId(encryptionKeys().current)}:`;

  it("refuses a secret copied from another integration's row, and says so to the admin", async () => {
    const a = await saveIntegration(db, { config: config(), actor: admin });
    const b = await saveIntegration(db, { config: config({ secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYOTHERKEY1" }), actor: admin });
    const { secretAccessKeyEnc: fromA } = await db.integration.findUniqueOrThrow({ where: { id: a.id } });
    await db.integration.update({ where: { id: b.id }, data: { secretAccessKeyEnc: fromA } });
    const rowB = await db.integration.findUniqueOrThrow({ where: { id: b.id } });
    expect(() => integrationCredentials(rowB)).toThrow(expect.objectContaining({ code: "INVALID_INPUT", message: expect.stringContaining(`does not authenticate as integration:${b.id}:secretAccessKey`) }));
    const { checks } = await runTest(b.id);
    expect(checks.get("root")?.fix).toBe("The stored secret access key does not belong to this integration (it was copied from another integration, or altered), so it is not used. Enter the secret access key again and save.");
    expect(checks.has("organizations")).toBe(false);
    // Saving without retyping does not re-bind the copied value to B; the admin has to enter B's secret.
    await saveIntegration(db, { id: b.id, config: { ...integrationConfigView(rowB), enabled: false }, actor: admin });
    expect((await db.integration.findUniqueOrThrow({ where: { id: b.id } })).secretAccessKeyEnc).toBe(fromA);
  });

  it("reads a v1 value from an existing database and seals it in the new format, bound to its row, on the next save", async () => {
    const { id } = await saveIntegration(db, { config: config(), actor: admin });
    const v1 = sealV1(S.secretAccessKey, encryptionKeys().current);
    await db.integration.update({ where: { id }, data: { secretAccessKeyEnc: v1 } });
    const row = await db.integration.findUniqueOrThrow({ where: { id } });
    expect(integrationCredentials(row).credentials).toBeDefined();
    const saved = await saveIntegration(db, { id, config: integrationConfigView(row), actor: admin });
    expect(saved.changed).toEqual([]);
    const after = await db.integration.findUniqueOrThrow({ where: { id } });
    expect(after.secretAccessKeyEnc!.startsWith(current())).toBe(true);
    expect(decryptSecret(after.secretAccessKeyEnc!, integrationSecretContext(id))).toBe(S.secretAccessKey);
    expect((await runTest(id)).checks.get("root")?.status).toBe("ok");
    const events = await db.auditEvent.findMany({ where: { integrationId: id, action: "integration.secret_resealed" } });
    expect(events.map((e) => e.details)).toEqual([{ fromFormat: "v1", fromKeyId: null, toKeyId: keyId(encryptionKeys().current) }]);
  });

  it("after a key rotation, seals every secret from the previous key again, leaving what no key opens", async () => {
    const old = randomBytes(32);
    const rotated = { current: encryptionKeys().current, previous: [old] };
    const ids = await Promise.all([1, 2, 3].map(async () => (await saveIntegration(db, { config: config(), actor: admin })).id));
    const [v2Old, v1Old, lost] = ids as [string, string, string];
    await db.integration.update({ where: { id: v2Old }, data: { secretAccessKeyEnc: encryptSecret(S.secretAccessKey, integrationSecretContext(v2Old), { current: old }) } });
    await db.integration.update({ where: { id: v1Old }, data: { secretAccessKeyEnc: sealV1(S.secretAccessKey, old) } });
    await db.integration.update({ where: { id: lost }, data: { secretAccessKeyEnc: encryptSecret(S.secretAccessKey, integrationSecretContext(lost), { current: randomBytes(32) }) } });
    const out = await resealIntegrationSecrets(db, rotated);
    expect(out.unreadable).toContain(lost);
    for (const id of [v2Old, v1Old]) {
      expect(out.unreadable).not.toContain(id);
      const row = await db.integration.findUniqueOrThrow({ where: { id } });
      expect(decryptSecret(row.secretAccessKeyEnc!, integrationSecretContext(id), { current: rotated.current })).toBe(S.secretAccessKey);
    }
    expect(await resealIntegrationSecrets(db, rotated)).toMatchObject({ resealed: 0 });
  });
});

describe("connection test", () => {
  it("passes every check against the sample organization", async () => {
    const { id } = await saveIntegration(db, { config: config(), actor: admin });
    const { result, checks, events } = await runTest(id);
    expect([...checks.values()].filter((c) => c.status !== "ok")).toEqual([]);
    expect(result.ok).toBe(true);
    expect(checks.get("root")?.detail).toContain("111111111111");
    expect([...checks.keys()].filter((k) => k.startsWith("account-"))).toHaveLength(6);
    expect(events.at(-2)).toEqual({ type: "progress", done: 6, total: 6 });
  });

  it("warns a delegated administrator that the management account and the permission sets provisioned to it are out of reach", async () => {
    // The portal's credentials live in sandbox, registered as Identity Center's delegated administrator; the
    // server's own credentials (the SDK's default chain) assume the role there.
    await simClients(sim).org.send(new RegisterDelegatedAdministratorCommand({ AccountId: S.accounts.sandbox, ServicePrincipal: "sso.amazonaws.com" }));
    process.env.AWS_ACCESS_KEY_ID = S.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = S.secretAccessKey;
    try {
      const { id } = await saveIntegration(db, {
        config: {
          ...config(),
          root_account: { account_id: S.accounts.sandbox, access_role_arn: `arn:aws:iam::${S.accounts.sandbox}:role/${S.portalRoleName}`, external_id: S.externalId, region: S.region },
        },
        actor: admin,
      });
      const { checks } = await runTest(id);
      expect(checks.get("root")?.detail).toContain(S.accounts.sandbox);
      expect(checks.get("organizations")?.status).toBe("ok");
      expect(checks.get("delegated-admin")).toMatchObject({ status: "warning", detail: expect.stringMatching(/delegated administrator, not in the management account 111111111111/) });
    } finally {
      delete process.env.AWS_ACCESS_KEY_ID;
      delete process.env.AWS_SECRET_ACCESS_KEY;
      sim.reset();
    }
    // The management account's own credentials get no such warning.
    const { id } = await saveIntegration(db, { config: config(), actor: admin });
    expect((await runTest(id)).checks.has("delegated-admin")).toBe(false);
  });

  it("reports a wrong external id per account in plain words", async () => {
    const { id } = await saveIntegration(db, { config: config({ externalId: "not-the-right-one" }), actor: admin });
    const { result, checks } = await runTest(id);
    expect(result.ok).toBe(false);
    const prod = checks.get(`account-${S.accounts.prodWorkloads}`);
    expect(prod).toMatchObject({ status: "failed", error: expect.stringMatching(/^AccessDenied: /) });
    expect(prod?.fix).toContain(`the role's trust policy does not allow this external id (the portal sends "not-the-right-one")`);
    expect(checks.get("organizations")?.status).toBe("ok");
  });

  it("reports a wrong Identity Center instance ARN", async () => {
    const { id } = await saveIntegration(db, { config: config({ instanceArn: "arn:aws:sso:::instance/ssoins-0000000000000000" }), actor: admin });
    const { checks } = await runTest(id);
    expect(checks.get("identity-center")).toMatchObject({ status: "failed" });
    expect(checks.get("identity-center")?.fix).toMatch(/^No Identity Center instance with that ARN/);
    expect(checks.get("identity-center")?.fix).toContain(S.instanceArn);
  });

  it("reports a missing Organizations permission by name", async () => {
    const { id } = await saveIntegration(db, { config: config(), actor: admin });
    sim.setFaults({ faults: { "organizations.ListRoots": { errorRate: 1, errorKind: "access_denied" } } });
    const { checks } = await runTest(id);
    expect(checks.get("organizations")).toMatchObject({ status: "failed", error: expect.stringMatching(/^AccessDeniedException: /) });
    expect(checks.get("organizations")?.fix).toBe("The management credentials lack organizations:ListRoots — add it to the policy (the Setup helper tab has the exact document).");
  });

  it("names a missing tag-read permission in a sub-account's role", async () => {
    const { id } = await saveIntegration(db, { config: config(), actor: admin });
    sim.setFaults({ faults: { "iam.ListPolicyTags": { errorRate: 1, errorKind: "access_denied" } } });
    const { result, checks } = await runTest(id);
    expect(result.ok).toBe(false);
    const prod = checks.get(`account-${S.accounts.prodWorkloads}`);
    expect(prod).toMatchObject({ status: "failed", error: expect.stringMatching(/^AccessDenied/) });
    expect(prod?.fix).toContain(`lacks iam:ListPolicyTags — add it to the role's policy`);
    expect(prod?.fix).not.toContain("iam:ListRoleTags");
  });

  it("checks the enabled-regions read discovery makes before scanning EC2 and secrets", async () => {
    const { id } = await saveIntegration(db, { config: config(), actor: admin });
    sim.setFaults({ faults: { "ec2.DescribeRegions": { errorRate: 1, errorKind: "access_denied" } } });
    const { result, checks } = await runTest(id);
    expect(result.ok).toBe(false);
    expect(checks.get(`account-${S.accounts.prodWorkloads}`)?.fix).toContain("Enabled regions (for EC2 instances and secrets): The role");
    expect(checks.get(`account-${S.accounts.prodWorkloads}`)?.fix).toContain("lacks ec2:DescribeRegions");
  });

  it("says when the stored secret cannot be decrypted (ENCRYPTION_KEY changed), before calling AWS", async () => {
    const { id } = await saveIntegration(db, { config: config(), actor: admin });
    await db.integration.update({ where: { id }, data: { secretAccessKeyEnc: encryptSecret("x".repeat(40), integrationSecretContext(id), { current: randomBytes(32) }) } });
    const { result, checks } = await runTest(id);
    expect(result.ok).toBe(false);
    expect(checks.get("root")?.fix).toMatch(/cannot be decrypted with this server's ENCRYPTION_KEY/);
    expect(checks.has("organizations")).toBe(false);
  });

  it("reports unknown access keys at the first step", async () => {
    const { id } = await saveIntegration(db, { config: { ...config(), root_account: { access_key_id: "AKIAUNKNOWN000000000", secret_access_key: "x".repeat(40), region: "us-east-1" } }, actor: admin });
    const { result, checks } = await runTest(id);
    expect(result.ok).toBe(false);
    expect(checks.get("root")?.fix).toMatch(/does not recognise the access key/);
    expect(checks.has("organizations")).toBe(false);
  }, 60_000);
});
