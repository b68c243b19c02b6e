import { NextResponse } from "next/server";
import { checkDatabase } from "@/lib/db/check-database";

export const dynamic = "force-dynamic";

export async function GET() {
  const db = await checkDatabase();
  return NextResponse.json(
    { status: db.ok ? "ok" : "degraded", database: db },
    { status: db.ok ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}
