import { CreateGroupMembershipCommand, IdentitystoreClient } from "@aws-sdk/client-identitystore";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SAMPLE_ORG, startAwsSimulator, type AwsSimulator } from "../aws-sim/index.ts";
import type { TDb } from "../db/client.ts";
import type { TDatabase } from "../db/open-database.ts";
import { createTestDatabase } from "../db/test-database.ts";
import { saveIntegration } from "../integrations/save-integration.ts";
import { startDiscovery } from "./start-discovery.ts";

// Discovery lists Identity Center's memberships, then (minutes later in a large directory) compares them with
// the stored copy. The worker may add or remove a portal-granted membership in between: its copy must win.

let sim: AwsSimulator;
let database: TDatabase;
let db: TDb;
let integrationId: string;
const S = SAMPLE_ORG;

/** The database as discovery sees it, with `between` run once just before it reads the stored memberships. */
function withWorkerBetween(between: () => Promise<void>): TDb {
  let pending = true;
  const memberships = new Proxy(db.principalMembership, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (prop !== "findMany" || typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        if (pending) {
          pending = false;
          await between();
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return new Proxy(db, { get: (target, prop, receiver) => (prop === "principalMembership" ? memberships : Reflect.get(target, prop, receiver)) }) as TDb;
}

async function sync(viaDb: TDb = db) {
  const summary = await (await startDiscovery(viaDb, integrationId, { trigger: "MANUAL", actor: "system" })).done;
  expect(summary?.errors).toEqual([]);
}

async function principalRow(type: "USER" | "GROUP", name: string) {
  return db.principal.findFirstOrThrow({ where: { integrationId, type, ...(type === "USER" ? { userName: name } : { displayName: name }) } });
}

/** A GROUP_MEMBERSHIP grant in `state`, as the worker leaves it. */
async function groupGrant(user: { awsId: string }, group: { awsId: string }, state: "ACTIVE" | "EXPIRED") {
  const requester = await db.user.upsert({ where: { email: S.users.riley }, create: { email: S.users.riley, name: "Riley Park" }, update: {} });
  const request = await db.accessRequest.create({ data: { integrationId, requesterId: requester.id, targetType: "GROUP", accessLevel: "member", durationMinutes: 60, status: "APPROVED" } });
  return db.grant.create({
    data: { requestId: request.id, integrationId, userId: requester.id, kind: "GROUP_MEMBERSHIP", state, principalId: user.awsId, groupAwsId: group.awsId, startsAt: new Date(), expiresAt: new Date(Date.now() + 3_600_000) },
  });
}

beforeAll(async () => {
  sim = await startAwsSimulator({ seed: "sample" });
  process.env.AWS_ENDPOINT_URL = sim.url;
  database = await createTestDatabase();
  db = database.prisma;
  integrationId = (
    await saveIntegration(db, {
      actor: "system",
      config: { name: "race", root_account: { access_key_id: S.accessKeyId, secret_access_key: S.secretAccessKey, region: S.region }, sub_accounts: [], options: { sso_instance_arn: S.instanceArn } },
    })
  ).id;
  await sync();
});

afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL;
  await database?.close();
  await sim?.close();
});

describe("group memberships the worker changes while discovery lists", () => {
  it("a membership whose grant ended after the listing is not brought back as standing access", async () => {
    const riley = await principalRow("USER", S.users.riley);
    const leads = await principalRow("GROUP", "Platform Leads");
    // The portal granted Riley "Platform Leads": in AWS, and mirrored in the database.
    const ids = new IdentitystoreClient({ region: S.region, credentials: { accessKeyId: S.accessKeyId, secretAccessKey: S.secretAccessKey } });
    const storeId = (await db.integration.findUniqueOrThrow({ where: { id: integrationId } })).identityStoreId!;
    const { MembershipId } = await ids.send(new CreateGroupMembershipCommand({ IdentityStoreId: storeId, GroupId: leads.awsId, MemberId: { UserId: riley.awsId } }));
    await db.principalMembership.create({ data: { groupId: leads.id, memberId: riley.id, membershipId: MembershipId! } });
    const grant = await groupGrant(riley, leads, "ACTIVE");
    // The run lists Riley in the group; before it compares, the grant expires (the worker removes both copies).
    await sync(
      withWorkerBetween(async () => {
        await db.principalMembership.deleteMany({ where: { groupId: leads.id, memberId: riley.id } });
        await db.grant.update({ where: { id: grant.id }, data: { state: "EXPIRED", endedAt: new Date() } });
      }),
    );
    expect(await db.principalMembership.count({ where: { groupId: leads.id, memberId: riley.id } })).toBe(0);
    ids.destroy();
  });

  it("a membership the worker added after the listing is kept", async () => {
    const sam = await principalRow("USER", S.users.sam);
    const auditors = await principalRow("GROUP", "Read Only Auditors");
    await sync(
      withWorkerBetween(async () => {
        await groupGrant(sam, auditors, "ACTIVE");
        await db.principalMembership.create({ data: { groupId: auditors.id, memberId: sam.id, membershipId: "m-added-meanwhile" } });
      }),
    );
    expect(await db.principalMembership.count({ where: { groupId: auditors.id, memberId: sam.id } })).toBe(1);
  });
});
