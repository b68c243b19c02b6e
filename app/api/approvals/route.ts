import { NextResponse } from "next/server";
import { authenticate } from "@/lib/auth/current-user";
import { listApproverInbox } from "@/lib/access/list-approver-inbox";
import { getDb } from "@/lib/db/client";
import { httpStatusFor, isAppError } from "@/lib/errors/app-error";

export const dynamic = "force-dynamic";

/** The signed-in user's approval inbox (polled by the approvals page). */
export async function GET() {
  try {
    const user = await authenticate();
    const inbox = await listApproverInbox(await getDb(), user);
    return NextResponse.json(inbox, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    if (isAppError(error)) return NextResponse.json({ error: error.userMessage }, { status: httpStatusFor(error.code), headers: { "Cache-Control": "no-store" } });
    console.error("GET /api/approvals failed", error);
    return NextResponse.json({ error: "Something went wrong. The error was logged." }, { status: 500 });
  }
}
