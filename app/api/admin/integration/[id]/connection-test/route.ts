import { NextResponse } from "next/server";
import { authenticate } from "@/lib/auth/current-user";
import { isCrossSiteRequest } from "@/lib/auth/same-origin";
import { getDb } from "@/lib/db/client";
import { httpStatusFor, isAppError } from "@/lib/errors/app-error";
import { testIntegrationConnection, type TConnectionEvent } from "@/lib/integrations/test-integration-connection";

export const dynamic = "force-dynamic";

/** Runs the connection test and streams its results as NDJSON, one event per line, so the page shows progress. */
export async function POST(req: Request, { params }: { params: Promise<{ id: string }> }) {
  // It needs no body, so only the browser's own word tells a cross-site form post (sibling subdomain) apart.
  if (isCrossSiteRequest(req.headers)) return NextResponse.json({ error: "Cross-site requests are refused." }, { status: 403 });
  let user;
  try {
    user = await authenticate("admin");
  } catch (e) {
    const code = isAppError(e) ? e.code : "INTERNAL";
    return NextResponse.json({ error: isAppError(e) ? e.userMessage : "Something went wrong." }, { status: httpStatusFor(code) });
  }
  const { id } = await params;
  const db = await getDb();
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const emit = (e: TConnectionEvent) => controller.enqueue(encoder.encode(`${JSON.stringify(e)}\n`));
      try {
        await testIntegrationConnection(db, id, emit, { id: user.id, email: user.email });
      } catch (e) {
        if (!isAppError(e)) console.error("connection test failed", e);
        emit({ type: "done", ok: false, summary: isAppError(e) ? e.userMessage : "The test stopped unexpectedly; the error was logged." });
      }
      controller.close();
    },
  });
  return new Response(stream, { headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store" } });
}
