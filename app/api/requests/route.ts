import { NextResponse } from "next/server";
import { z } from "zod";
import { authenticate } from "@/lib/auth/current-user";
import { listMyOpenRequests, listMyRequests, type TMyRequestsPage } from "@/lib/access/list-my-requests";
import { getDb } from "@/lib/db/client";
import { httpStatusFor, isAppError } from "@/lib/errors/app-error";

export const dynamic = "force-dynamic";

const ZQuery = z.object({
  cursor: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
  // "open": every pending or live request in one answer (My requests keeps these on screen whatever page is loaded).
  status: z.enum(["open", "all"]).optional(),
});

/** The signed-in user's own requests with their timelines (polled by My requests). */
export async function GET(req: Request) {
  try {
    const user = await authenticate();
    const parsed = ZQuery.safeParse(Object.fromEntries(new URL(req.url).searchParams));
    if (!parsed.success) return NextResponse.json({ error: "Invalid query." }, { status: 400 });
    const db = await getDb();
    const page: TMyRequestsPage =
      parsed.data.status === "open"
        ? { items: await listMyOpenRequests(db, user.id), nextCursor: null }
        : await listMyRequests(db, user.id, parsed.data);
    return NextResponse.json(page, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    if (isAppError(error)) return NextResponse.json({ error: error.userMessage }, { status: httpStatusFor(error.code), headers: { "Cache-Control": "no-store" } });
    console.error("GET /api/requests failed", error);
    return NextResponse.json({ error: "Something went wrong. The error was logged." }, { status: 500 });
  }
}
