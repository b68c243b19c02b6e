import { NextResponse } from "next/server";
import { authenticate } from "@/lib/auth/current-user";
import { getDb } from "@/lib/db/client";
import { httpStatusFor, isAppError } from "@/lib/errors/app-error";
import { listNotifications } from "@/lib/notifications/list-notifications";

export const dynamic = "force-dynamic";

/** The signed-in user's own notifications and unread count (polled by the bell). */
export async function GET() {
  try {
    const user = await authenticate();
    return NextResponse.json(await listNotifications(await getDb(), user.id), { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    if (isAppError(error)) return NextResponse.json({ error: error.userMessage }, { status: httpStatusFor(error.code) });
    console.error("GET /api/notifications failed", error);
    return NextResponse.json({ error: "Something went wrong. The error was logged." }, { status: 500 });
  }
}
