import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { TPortalUser } from "@/lib/auth/current-user";
import { AppError } from "@/lib/errors/app-error";
import { setDatabase } from "@/lib/db/client";
import { createTestDatabase } from "@/lib/db/test-database";
import type { TDatabase } from "@/lib/db/open-database";
import { seedCatalogFixture, type TCatalogFixture } from "@/lib/catalog/test-fixtures";
import { MY_REQUESTS_PAGE_SIZE } from "@/lib/access/list-my-requests";

const signedIn: { user: TPortalUser | null } = { user: null };
vi.mock("@/lib/auth/current-user", () => ({
  authenticate: async () => {
    if (!signedIn.user) throw new AppError("UNAUTHENTICATED");
    return signedIn.user;
  },
}));

const { GET: listRequests } = await import("./route");

type TPage = { items: { id: string; status: string; grant: { state: string } | null }[]; nextCursor: string | null };

let database: TDatabase;
let f: TCatalogFixture;
const ids = { oldActive: "", oldPending: "", oldDenied: "", othersActive: "" };

const DAY = 86_400_000;

beforeAll(async () => {
  database = await createTestDatabase();
  setDatabase(database);
  f = await seedCatalogFixture(database.prisma);
  const p = database.prisma;
  const now = Date.now();
  const request = (requesterId: string, status: "PENDING" | "APPROVED" | "DENIED", createdAt: Date) =>
    p.accessRequest.create({
      data: {
        integrationId: f.integrationId,
        requesterId,
        targetType: "RESOURCE",
        resourceId: f.resources.prodBucket.id,
        accessLevel: "read",
        durationMinutes: 60,
        status,
        createdAt,
      },
    });
  const grant = (requestId: string, userId: string) =>
    p.grant.create({
      data: {
        requestId,
        integrationId: f.integrationId,
        userId,
        kind: "TEMP_PERMISSION_SET",
        state: "ACTIVE",
        startsAt: new Date(now - 20 * DAY),
        activatedAt: new Date(now - 20 * DAY),
        expiresAt: new Date(now + 10 * DAY),
      },
    });
  // Riley's long-lived grant and a request still waiting, both older than a full page of newer, finished requests.
  ids.oldActive = (await request(f.users.riley.id, "APPROVED", new Date(now - 20 * DAY))).id;
  await grant(ids.oldActive, f.users.riley.id);
  ids.oldPending = (await request(f.users.riley.id, "PENDING", new Date(now - 19 * DAY))).id;
  ids.oldDenied = (await request(f.users.riley.id, "DENIED", new Date(now - 18 * DAY))).id;
  for (let i = 0; i < MY_REQUESTS_PAGE_SIZE + 5; i++) await request(f.users.riley.id, "DENIED", new Date(now - (10 * DAY - i * 60_000)));
  // Someone else's open grant never shows up in Riley's list.
  ids.othersActive = (await request(f.users.avery.id, "APPROVED", new Date(now - 20 * DAY))).id;
  await grant(ids.othersActive, f.users.avery.id);
  const riley = f.users.riley;
  signedIn.user = { id: riley.id, email: riley.email, name: riley.name, isAdmin: false, groups: [] };
});
afterAll(async () => {
  await database?.close();
});

async function get(search: string): Promise<TPage> {
  const res = await listRequests(new Request(`http://x/api/requests${search}`));
  expect(res.status).toBe(200);
  return (await res.json()) as TPage;
}

describe("GET /api/requests, more than one page", () => {
  it("pages newest first with the cursor until every request was seen, none twice", async () => {
    const first = await get("");
    expect(first.items).toHaveLength(MY_REQUESTS_PAGE_SIZE);
    expect(first.nextCursor).not.toBeNull();
    expect(first.items.map((r) => r.id)).not.toContain(ids.oldActive);

    const second = await get(`?cursor=${first.nextCursor}`);
    expect(second.nextCursor).toBeNull();
    const all = [...first.items, ...second.items].map((r) => r.id);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(MY_REQUESTS_PAGE_SIZE + 5 + 3);
    expect(all.slice(-3)).toEqual([ids.oldDenied, ids.oldPending, ids.oldActive]);
  });

  it("status=open answers every pending or live request of the user, however old, and nothing finished", async () => {
    const open = await get("?status=open");
    expect(open.items.map((r) => r.id)).toEqual([ids.oldPending, ids.oldActive]);
    expect(open.items[1]?.grant?.state).toBe("ACTIVE");
    expect(open.nextCursor).toBeNull();
  });

  it("rejects an unknown status", async () => {
    const res = await listRequests(new Request("http://x/api/requests?status=closed"));
    expect(res.status).toBe(400);
  });
});
