import { NextResponse } from "next/server";
import { authenticate } from "@/lib/auth/current-user";
import { getDb } from "@/lib/db/client";
import { listSyncRuns } from "@/lib/discovery/list-sync-runs";
import { httpStatusFor, isAppError } from "@/lib/errors/app-error";

export const dynamic = "force-dynamic";

/** Recent discovery runs with live progress, polled by the integration page. */
export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    await authenticate("admin");
    const { id } = await params;
    return NextResponse.json({ runs: await listSyncRuns(await getDb(), id) }, { headers: { "cache-control": "no-store" } });
  } catch (e) {
    if (!isAppError(e)) console.error("sync runs failed", e);
    return NextResponse.json({ error: isAppError(e) ? e.userMessage : "Something went wrong." }, { status: httpStatusFor(isAppError(e) ? e.code : "INTERNAL") });
  }
}
