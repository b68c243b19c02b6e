"use client";

import { useState } from "react";
import { Badge, type TBadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import type { TCheckStatus, TConnectionCheck, TConnectionEvent } from "@/lib/integrations/test-integration-connection";

const TONE: Record<TCheckStatus, TBadgeTone> = { ok: "green", failed: "red", warning: "amber", skipped: "neutral" };
const LABEL: Record<TCheckStatus, string> = { ok: "OK", failed: "Failed", warning: "Warning", skipped: "Skipped" };

/**
 * Runs the connection test and shows each check as it arrives (streamed NDJSON), with AWS's error
 * name and the fix in plain words; sub-account checks show progress.
 */
export function ConnectionTestPanel({ integrationId }: { integrationId: string }) {
  const [checks, setChecks] = useState<TConnectionCheck[]>([]);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [result, setResult] = useState<{ ok: boolean; summary: string } | null>(null);
  const [running, setRunning] = useState(false);

  const run = async () => {
    setRunning(true);
    setChecks([]);
    setProgress(null);
    setResult(null);
    try {
      const res = await fetch(`/api/admin/integration/${integrationId}/connection-test`, { method: "POST" });
      if (!res.ok || !res.body) {
        const body = (await res.json().catch(() => ({}))) as { error?: string };
        setResult({ ok: false, summary: body.error ?? `The test could not start (HTTP ${res.status}).` });
        return;
      }
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        const lines = buffer.split("\n");
        buffer = lines.pop() ?? "";
        for (const line of lines) {
          if (!line.trim()) continue;
          const e = JSON.parse(line) as TConnectionEvent;
          if (e.type === "check") setChecks((c) => [...c, e.check]);
          else if (e.type === "progress") setProgress({ done: e.done, total: e.total });
          else setResult({ ok: e.ok, summary: e.summary });
        }
      }
    } catch {
      setResult({ ok: false, summary: "The connection to the portal was lost during the test. Try again." });
    } finally {
      setRunning(false);
    }
  };

  const failedFirst = [...checks].sort((a, b) => Number(b.status === "failed") - Number(a.status === "failed"));
  const shown = failedFirst.slice(0, 60);
  return (
    <section aria-labelledby="connection-test" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <h2 id="connection-test" className="font-semibold text-slate-900">
            Connection test
          </h2>
          <p className="text-sm text-slate-600">Checks the management credentials, Identity Center, Organizations and every sub-account role. Nothing is changed.</p>
        </div>
        <Button type="button" variant="secondary" onClick={() => void run()} disabled={running}>
          {running ? "Testing…" : "Test connection"}
        </Button>
      </div>
      {progress && progress.total > 0 ? (
        <div className="mt-3">
          <div className="flex justify-between text-xs text-slate-600">
            <span>Sub-account roles</span>
            <span data-testid="connection-progress">
              {progress.done} / {progress.total}
            </span>
          </div>
          <div className="mt-1 h-1.5 overflow-hidden rounded bg-slate-100" role="progressbar" aria-valuemin={0} aria-valuemax={progress.total} aria-valuenow={progress.done} aria-label="Sub-account roles checked">
            <div className="h-full bg-sky-600 transition-all" style={{ width: `${(100 * progress.done) / progress.total}%` }} />
          </div>
        </div>
      ) : null}
      {result ? (
        <p role="status" className={`mt-3 rounded-md px-3 py-2 text-sm font-medium ${result.ok ? "bg-emerald-50 text-emerald-800" : "bg-rose-50 text-rose-800"}`}>
          {result.summary}
        </p>
      ) : null}
      {shown.length > 0 ? (
        <ul className="mt-3 divide-y divide-slate-100" aria-label="Connection test results">
          {shown.map((c) => (
            <li key={c.id} className="py-2" data-testid={`check-${c.id}`}>
              <div className="flex flex-wrap items-start gap-2">
                <Badge tone={TONE[c.status]}>{LABEL[c.status]}</Badge>
                <span className="text-sm font-medium text-slate-900">{c.label}</span>
              </div>
              <p className={`mt-1 text-sm break-words ${c.status === "failed" ? "text-rose-800" : "text-slate-600"}`}>{c.detail}</p>
              {c.error ? (
                <details className="mt-1">
                  <summary className="cursor-pointer text-xs text-slate-500">AWS said</summary>
                  <pre className="mt-1 overflow-x-auto rounded bg-slate-50 p-2 text-xs whitespace-pre-wrap break-words text-slate-700">{c.error}</pre>
                </details>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {failedFirst.length > shown.length ? <p className="mt-2 text-xs text-slate-500">{failedFirst.length - shown.length} more passing checks not shown.</p> : null}
    </section>
  );
}
