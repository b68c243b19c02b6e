import { NextResponse } from "next/server";
import { authenticate } from "@/lib/auth/current-user";
import { listCatalog } from "@/lib/catalog/list-catalog";
import { parseCatalogQuery } from "@/lib/catalog/catalog-query";
import { getDb } from "@/lib/db/client";
import { httpStatusFor, isAppError } from "@/lib/errors/app-error";

export const dynamic = "force-dynamic";

/** One catalog page for the signed-in user (same function as the /catalog page). */
export async function GET(req: Request) {
  try {
    const user = await authenticate();
    const parsed = parseCatalogQuery(new URL(req.url).searchParams);
    if (!parsed.success) return NextResponse.json({ error: parsed.error.issues.map((i) => i.message).join("; ") }, { status: 400 });
    const page = await listCatalog(await getDb(), { userEmail: user.email, query: parsed.data });
    return NextResponse.json(page, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    if (isAppError(error)) return NextResponse.json({ error: error.userMessage }, { status: httpStatusFor(error.code), headers: { "Cache-Control": "no-store" } });
    console.error("GET /api/catalog failed", error);
    return NextResponse.json({ error: "Something went wrong. The error was logged." }, { status: 500 });
  }
}
