import { NextResponse } from "next/server";
import { checkDatabase } from "@/lib/db/check-database";

export const dynamic = "force-dynamic";

/** Liveness for load balancers and probes: anyone may ask, so the answer names no host, path or error. */
export async function GET() {
  const db = await checkDatabase();
  if (!db.ok) console.error(`health: ${db.database} did not answer: ${db.error}`);
  return NextResponse.json(
    { status: db.ok ? "ok" : "degraded", database: { ok: db.ok, latencyMs: db.latencyMs } },
    { status: db.ok ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}
