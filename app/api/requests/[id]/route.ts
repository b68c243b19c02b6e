import { NextResponse } from "next/server";
import { authenticate } from "@/lib/auth/current-user";
import { getRequestTimeline } from "@/lib/access/get-request-timeline";
import { getDb } from "@/lib/db/client";
import { httpStatusFor, isAppError } from "@/lib/errors/app-error";

export const dynamic = "force-dynamic";

/** One of the signed-in user's requests; anyone else's id answers 404, exactly like a missing one. */
export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const user = await authenticate();
    const { id } = await params;
    const view = await getRequestTimeline(await getDb(), user.id, id);
    return NextResponse.json(view, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    if (isAppError(error)) return NextResponse.json({ error: error.userMessage }, { status: httpStatusFor(error.code), headers: { "Cache-Control": "no-store" } });
    console.error("GET /api/requests/[id] failed", error);
    return NextResponse.json({ error: "Something went wrong. The error was logged." }, { status: 500 });
  }
}
