import { NextResponse } from "next/server";
import { authenticate } from "@/lib/auth/current-user";
import { getDb } from "@/lib/db/client";
import { isAppError, httpStatusFor } from "@/lib/errors/app-error";
import { listAdminGrants } from "@/lib/provisioning/list-admin-grants";

export const dynamic = "force-dynamic";

/** Live grants for the admin grants page (polled). */
export async function GET() {
  try {
    await authenticate("admin");
    return NextResponse.json(await listAdminGrants(await getDb()), { headers: { "Cache-Control": "no-store" } });
  } catch (e) {
    if (isAppError(e)) return NextResponse.json({ error: e.userMessage }, { status: httpStatusFor(e.code) });
    console.error("admin grants route failed", e);
    return NextResponse.json({ error: "Something went wrong. The error was logged." }, { status: 500 });
  }
}
