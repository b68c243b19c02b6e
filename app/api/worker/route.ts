import { after, NextResponse } from "next/server";
import { getDb } from "@/lib/db/client";
import { env } from "@/lib/env";
import { authorizeWorkerRequest } from "@/lib/provisioning/authorize-worker-request";
import { runScheduledTick } from "@/lib/provisioning/run-scheduled-tick";

export const dynamic = "force-dynamic";
// A tick may wait on AWS's asynchronous assignment statuses for a few seconds. The tick's own budget stays
// below this limit, so a host that enforces it (Vercel) never cuts a grant step or a reconcile mid-way.
export const maxDuration = 60;
const TICK_BUDGET_MS = (maxDuration - 12) * 1_000;

/** One worker tick for an external scheduler (Kubernetes CronJob, EventBridge, Vercel cron). */
export async function POST(req: Request) {
  const auth = authorizeWorkerRequest(req.headers.get("authorization"), env.WORKER_SECRET);
  if (!auth.ok) return NextResponse.json({ error: auth.message }, { status: auth.status, headers: { "Cache-Control": "no-store" } });
  try {
    // Email and Slack go out after the answer, kept alive by after() on hosts that freeze a function once it answered.
    const r = await runScheduledTick(await getDb(), { defer: (task) => after(task), budgetMs: TICK_BUDGET_MS });
    return NextResponse.json(
      { claimed: r.claimed, events: r.events.length, failed: r.failed, timedOut: r.timedOut, extensionsClosed: r.extensionsClosed, expiryReminders: r.expiryReminders, discoveriesStarted: r.discoveriesStarted, reconciles: r.reconciles, housekeepingErrors: r.housekeepingErrors.length, ms: r.ms },
      { headers: { "Cache-Control": "no-store" } },
    );
  } catch (e) {
    console.error("worker route: tick failed", e);
    return NextResponse.json({ error: "The tick failed; see the server log." }, { status: 500, headers: { "Cache-Control": "no-store" } });
  }
}

/** Vercel cron calls with GET and `Authorization: Bearer $CRON_SECRET` (set it to WORKER_SECRET): the same tick. */
export const GET = POST;
