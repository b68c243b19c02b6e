import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { SAMPLE_ORG, startAwsSimulator, type AwsSimulator } from "../aws-sim/index.ts";
import { createTestDatabase } from "../db/test-database.ts";
import type { TDb } from "../db/client.ts";
import { Prisma } from "../db/generated/client.ts";
import type { TDatabase } from "../db/open-database.ts";
import { saveIntegration } from "../integrations/save-integration.ts";
import type { TRunDiscoveryOptions } from "./run-discovery.ts";
import { startDiscovery } from "./start-discovery.ts";

// Database failures in the middle of a run: never shown as an AWS permission problem nor as the
// database's raw text (SQL, row data), and never leaving an account whose rows were lost marked synced.

let sim: AwsSimulator;
let database: TDatabase;
let db: TDb;
const S = SAMPLE_ORG;
const MEMBERS = [S.accounts.prodWorkloads, S.accounts.devWorkloads, S.accounts.sandbox, S.accounts.securityAudit, S.accounts.logArchive, S.accounts.dataProd];
const SECRET_ROW = "row-data-wJalrXUtnFEMI";

/** A fresh integration on the sample organization: nothing stored yet, so every resource is a new row. */
const newIntegration = async (name: string) =>
  (
    await saveIntegration(db, {
      config: {
        name,
        root_account: { access_key_id: S.accessKeyId, secret_access_key: S.secretAccessKey, region: S.region },
        sub_accounts: [{ account_id: "*", access_role_arn: `arn:aws:iam::*:role/${S.portalRoleName}`, external_id: S.externalId }],
        options: { sso_instance_arn: S.instanceArn },
      },
      actor: "system",
    })
  ).id;

/** What Prisma throws for a failed raw statement: it quotes the SQL and the offending row. */
const leakyDbError = () =>
  new Prisma.PrismaClientKnownRequestError(`Raw query failed. Code: \`23505\`. Message: \`INSERT INTO "Resource" ("id", "arn") ... Key (arn)=(${SECRET_ROW}) already exists\``, {
    code: "P2010",
    clientVersion: "test",
  });

async function runOn(client: TDb, integrationId: string, run?: TRunDiscoveryOptions) {
  const started = await startDiscovery(client, integrationId, { trigger: "MANUAL", actor: "system", ...(run ? { run } : {}) });
  const summary = await started.done;
  if (!summary) throw new Error("run did not finish");
  const stored = await db.syncRun.findUniqueOrThrow({ where: { id: started.runId } });
  return { summary, stored, shown: JSON.stringify(stored.errors) + JSON.stringify(summary.errors) };
}

beforeAll(async () => {
  sim = await startAwsSimulator({ seed: "sample" });
  process.env.AWS_ENDPOINT_URL = sim.url;
  database = await createTestDatabase();
  db = database.prisma;
});

afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL;
  await database?.close();
  await sim?.close();
});

describe("discovery when the database fails mid-run", () => {
  it("a failed insert batch fails every account with rows in it, with a log reference, and the next run adds them", async () => {
    const integrationId = await newIntegration("failing-batch");
    const error = leakyDbError();
    let failedBatch: { accountId: string }[] | null = null;
    // The first bulk insert of resources fails; everything else reaches the database.
    const failing = new Proxy(db, {
      get(target, key, receiver) {
        if (key !== "$executeRaw") return Reflect.get(target, key, receiver);
        return (sql: TemplateStringsArray, ...values: unknown[]) => {
          if (!failedBatch && sql.join("").includes('INSERT INTO "Resource"')) {
            failedBatch = JSON.parse(values.find((v): v is string => typeof v === "string" && v.startsWith("["))!) as { accountId: string }[];
            return Promise.reject(error);
          }
          return target.$executeRaw(sql, ...values);
        };
      },
    });
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      // One account at a time and 20 rows a batch: 16 rows per account, so the second account's write
      // flushes a batch that also holds all of the first account's rows.
      const { summary, stored, shown } = await runOn(failing, integrationId, { accountConcurrency: 1, createBatch: 20 });
      const batchAccounts = [...new Set(failedBatch!.map((r) => r.accountId))];
      expect(batchAccounts.length, "the failed batch held several accounts' rows").toBeGreaterThan(1);

      expect(stored.status).toBe("PARTIAL");
      expect(shown).not.toContain("INSERT");
      expect(shown).not.toContain(SECRET_ROW);
      const reference = /reference ([0-9a-f]{8})/.exec(shown)?.[1];
      expect(reference).toBeDefined();
      expect(logged).toHaveBeenCalledWith(expect.stringContaining(reference!), error);

      const accounts = await db.account.findMany({ where: { integrationId, accountId: { in: MEMBERS } } });
      const failed = accounts.filter((a) => batchAccounts.includes(a.id));
      expect(failed).toHaveLength(batchAccounts.length);
      for (const a of failed) {
        expect(a.lastSyncedAt, `${a.accountId} lost rows: not synced`).toBeNull();
        expect(a.lastSyncError).toContain(`reference ${reference}`);
        expect(a.lastSyncError).not.toContain(SECRET_ROW);
        expect(summary.errors).toEqual(expect.arrayContaining([expect.objectContaining({ accountId: a.accountId, scope: "resources" })]));
      }
      const others = accounts.filter((a) => !batchAccounts.includes(a.id));
      expect(others.length).toBeGreaterThan(0);
      for (const a of others) expect(a).toMatchObject({ lastSyncError: null, lastSyncedAt: expect.any(Date) });
      expect(summary.counts.accountsFailed).toBe(batchAccounts.length);
    } finally {
      logged.mockRestore();
    }

    const next = await runOn(db, integrationId);
    expect(next.summary.errors).toEqual([]);
    expect(await db.resource.count({ where: { integrationId, deletedAt: null } })).toBe(96);
    const accounts = await db.account.findMany({ where: { integrationId, accountId: { in: MEMBERS } } });
    expect(accounts.every((a) => a.lastSyncError === null && a.lastSyncedAt !== null)).toBe(true);
  });

  it("a database error in an account's scan or in the organization walk is not shown as an AWS permission problem", async () => {
    const integrationId = await newIntegration("failing-writes");
    const error = leakyDbError();
    const failOnce = <T extends object>(model: T, method: string) => {
      let failed = false;
      return new Proxy(model, {
        get: (m, k, r) => {
          if (k !== method || failed) return Reflect.get(m, k, r);
          return () => {
            failed = true;
            return Promise.reject(error);
          };
        },
      });
    };
    // Recording the first OU's accounts fails (organization walk), and so does an account's removal of a vanished bucket (its scan).
    const failing = (models: ("account" | "resource")[]) =>
      new Proxy(db, {
        get(target, key, receiver) {
          if (key === "account" && models.includes("account")) return failOnce(target.account, "createMany");
          if (key === "resource" && models.includes("resource")) return failOnce(target.resource, "updateMany");
          return Reflect.get(target, key, receiver);
        },
      });
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const walk = await runOn(failing(["account"]), integrationId);
      const walkError = walk.summary.errors.find((e) => e.scope.startsWith("organizations"));
      expect(walkError).toBeDefined();
      expect(walk.shown).not.toContain(SECRET_ROW);
      expect(walk.shown).not.toContain("INSERT");
      expect(walkError!.message).toMatch(/reference [0-9a-f]{8}/);
      expect(walkError!.fix).not.toMatch(/organizations:|permission|policy/i);
      const walkRef = /reference ([0-9a-f]{8})/.exec(walkError!.message)![1]!;
      expect(logged).toHaveBeenCalledWith(expect.stringContaining(walkRef), error);

      // Every account stored now; a bucket vanishes, and removing it fails in the account's scan.
      expect((await runOn(db, integrationId)).summary.errors).toEqual([]);
      const bucket = await db.resource.findFirstOrThrow({ where: { integrationId, type: "S3_BUCKET", deletedAt: null, account: { accountId: S.accounts.devWorkloads } } });
      const res = await fetch(`${sim.url}/_sim/resources`, { method: "DELETE", headers: { "content-type": "application/json" }, body: JSON.stringify({ accountId: S.accounts.devWorkloads, type: "bucket", name: bucket.name }) });
      expect(res.ok).toBe(true);
      const scan = await runOn(failing(["resource"]), integrationId);
      const scanError = scan.summary.errors.find((e) => e.accountId === S.accounts.devWorkloads);
      expect(scanError).toBeDefined();
      expect(scan.shown).not.toContain(SECRET_ROW);
      expect(scanError!.message).toMatch(/reference [0-9a-f]{8}/);
      expect(scanError!.fix).not.toMatch(/permission|policy|role/i);
      const account = await db.account.findFirstOrThrow({ where: { integrationId, accountId: S.accounts.devWorkloads } });
      expect(account.lastSyncError).toMatch(/reference [0-9a-f]{8}/);
      expect(account.lastSyncError).not.toContain(SECRET_ROW);
    } finally {
      logged.mockRestore();
    }
  });
});
