import { NextResponse } from "next/server";
import { authenticate } from "@/lib/auth/current-user";
import { isCrossSiteRequest } from "@/lib/auth/same-origin";
import { getDb } from "@/lib/db/client";
import { httpStatusFor, isAppError } from "@/lib/errors/app-error";
import { markNotificationsRead, ZMarkNotificationsRead } from "@/lib/notifications/mark-notifications-read";

export const dynamic = "force-dynamic";

/** Marks the signed-in user's notifications read: `{ ids: [...] }` or `{ all: true }`. */
export async function POST(req: Request) {
  try {
    if (isCrossSiteRequest(req.headers)) return NextResponse.json({ error: "Cross-site requests are refused." }, { status: 403 });
    const user = await authenticate();
    // JSON only: a cross-site HTML form cannot send it, which keeps this endpoint out of CSRF reach.
    if (!req.headers.get("content-type")?.toLowerCase().startsWith("application/json")) {
      return NextResponse.json({ error: "Send JSON." }, { status: 415 });
    }
    const parsed = ZMarkNotificationsRead.safeParse(await req.json().catch(() => null));
    if (!parsed.success) return NextResponse.json({ error: "Give the notification ids to mark read, or all: true." }, { status: 400 });
    return NextResponse.json(await markNotificationsRead(await getDb(), user.id, parsed.data));
  } catch (error) {
    if (isAppError(error)) return NextResponse.json({ error: error.userMessage }, { status: httpStatusFor(error.code) });
    console.error("POST /api/notifications/read failed", error);
    return NextResponse.json({ error: "Something went wrong. The error was logged." }, { status: 500 });
  }
}
