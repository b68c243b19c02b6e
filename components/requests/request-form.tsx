"use client";

import { useRouter } from "next/navigation";
import { usePortalAction } from "@/components/ui/use-portal-action";
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { formatDuration } from "@/components/catalog/target-labels";
import { compileTicketPattern, POLICY_MIN_DURATION_MINUTES } from "@/lib/access/policy-schemas";
import type { TLevelOption } from "@/lib/catalog/get-request-form";
import type { TTargetRef } from "@/lib/catalog/load-request-target";
import { submitAccessRequestAction } from "@/app/(portal)/catalog/actions";
import { fieldClasses as input } from "@/components/ui/field";

const PRESETS = [15, 30, 60, 120, 240, 480, 1440];

type TErrors = Partial<Record<"accessLevel" | "duration" | "startsAt" | "justification" | "ticket" | "form", string>>;

/** Client-side checks mirror the server's (which run again on submit: this copy only saves a round trip). */
export function validateRequestForm(
  level: Pick<TLevelOption, "maxDurationMinutes" | "requireJustification" | "requireTicket" | "ticketPatterns"> | undefined,
  values: { durationMinutes: number; startMode: "now" | "at"; startsAt: string; justification: string; ticket: string },
  now = Date.now(),
): TErrors {
  const errors: TErrors = {};
  if (!level) return { accessLevel: "Choose an access level" };
  const d = values.durationMinutes;
  if (!Number.isInteger(d) || d < POLICY_MIN_DURATION_MINUTES) errors.duration = `Duration must be whole minutes, at least ${POLICY_MIN_DURATION_MINUTES}`;
  else if (d > level.maxDurationMinutes) errors.duration = `At most ${formatDuration(level.maxDurationMinutes)} for this access`;
  if (values.startMode === "at") {
    const at = Date.parse(values.startsAt);
    if (Number.isNaN(at)) errors.startsAt = "Choose a start date and time";
    else if (at < now - 60_000) errors.startsAt = "The start time is in the past";
    else if (at > now + 30 * 86_400_000) errors.startsAt = "At most 30 days ahead";
  }
  if (level.requireJustification && values.justification.trim() === "") errors.justification = "A justification is required";
  if (values.justification.length > 2000) errors.justification = "At most 2000 characters";
  const ticket = values.ticket.trim();
  if (ticket === "" && level.requireTicket) errors.ticket = "A ticket reference is required";
  if (ticket !== "" && level.ticketPatterns.some((p) => !compileTicketPattern(p)?.test(ticket))) errors.ticket = "The ticket does not have the required format";
  return errors;
}

const TICKET_EXAMPLES = ["OPS-123", "JIRA-123", "INC-123", "CHG-123", "SEC-123", "PROJ-123", "123"];

/** A ticket id that satisfies every pattern, to show the requester what to type; null when none of the usual shapes fits. */
export function ticketExample(patterns: readonly string[]): string | null {
  const compiled = patterns.map((p) => compileTicketPattern(p));
  return TICKET_EXAMPLES.find((example) => compiled.every((regex) => regex?.test(example) ?? false)) ?? null;
}

type TDraft = { levelId: string; durationMinutes: number; custom: boolean; startMode: "now" | "at"; startsAt: string; justification: string; ticket: string };

/**
 * What the requester typed, kept in this tab's sessionStorage per target until the request is filed: a
 * session that ended meanwhile sends them to sign in and back here, and nothing typed is lost.
 */
const draftStore = {
  key: (target: TTargetRef) => `jit-request-draft:${JSON.stringify(target)}`,
  read(key: string): Partial<TDraft> | null {
    try {
      const raw = window.sessionStorage.getItem(key);
      return raw ? (JSON.parse(raw) as Partial<TDraft>) : null;
    } catch {
      return null;
    }
  },
  write(key: string, draft: TDraft | null) {
    try {
      if (draft) window.sessionStorage.setItem(key, JSON.stringify(draft));
      else window.sessionStorage.removeItem(key);
    } catch {
      // Storage full or disabled: the draft is a convenience only.
    }
  },
};

export function RequestForm({ target, levels, sessionsOutlast = null }: { target: TTargetRef; levels: TLevelOption[]; sessionsOutlast?: string | null }) {
  const router = useRouter();
  const [levelId, setLevelId] = useState(levels[0]?.id ?? "");
  const level = levels.find((l) => l.id === levelId);
  const max = level?.maxDurationMinutes ?? 60;
  const [durationMinutes, setDuration] = useState(Math.min(60, max));
  const [custom, setCustom] = useState(false);
  const [startMode, setStartMode] = useState<"now" | "at">("now");
  const [startsAt, setStartsAt] = useState("");
  const [justification, setJustification] = useState("");
  const [ticket, setTicket] = useState("");
  const [errors, setErrors] = useState<TErrors>({});
  const { executeAsync, isPending } = usePortalAction(submitAccessRequestAction);
  // Set once the request exists: router.push is still navigating after the action resolves, and a second
  // click then would file a second request (and, when approved automatically, a second grant).
  const [submitted, setSubmitted] = useState(false);
  // A double click lands before React re-renders with isPending; the ref stops the second submit at once.
  const sending = useRef(false);
  const busy = isPending || submitted;
  const formRef = useRef<HTMLFormElement>(null);
  const uid = useId();
  /** Each field's error is tied to it (aria-invalid, aria-describedby) so a screen reader reads it there. */
  const errorProps = (field: keyof TErrors) => ({ "aria-invalid": errors[field] ? true : undefined, "aria-describedby": errors[field] ? `${uid}-${field}-error` : undefined });
  const errorText = (field: keyof TErrors) =>
    errors[field] ? (
      <span id={`${uid}-${field}-error`} className="mt-1 block text-sm text-rose-700">
        {errors[field]}
      </span>
    ) : null;

  const draftKey = draftStore.key(target);
  // Restored after mount (the server render has no sessionStorage); saved only once restored, so the
  // first render's defaults never overwrite the draft.
  const [restored, setRestored] = useState(false);
  useEffect(() => {
    const saved = draftStore.read(draftKey);
    /* eslint-disable react-hooks/set-state-in-effect -- one-time restore from browser storage after hydration */
    if (saved && levels.some((l) => l.id === saved.levelId)) {
      setLevelId(saved.levelId!);
      if (typeof saved.durationMinutes === "number") setDuration(saved.durationMinutes);
      setCustom(saved.custom === true);
      if (saved.startMode === "now" || saved.startMode === "at") setStartMode(saved.startMode);
      setStartsAt(typeof saved.startsAt === "string" ? saved.startsAt : "");
      setJustification(typeof saved.justification === "string" ? saved.justification : "");
      setTicket(typeof saved.ticket === "string" ? saved.ticket : "");
    }
    setRestored(true);
    /* eslint-enable react-hooks/set-state-in-effect */
  }, [draftKey, levels]);
  useEffect(() => {
    if (restored && !submitted) draftStore.write(draftKey, { levelId, durationMinutes, custom, startMode, startsAt, justification, ticket });
  }, [restored, submitted, draftKey, levelId, durationMinutes, custom, startMode, startsAt, justification, ticket]);
  const presets = PRESETS.filter((p) => p <= max);
  const showTicket = Boolean(level && (level.requireTicket || level.ticketPatterns.length > 0));
  const example = level && level.ticketPatterns.length > 0 ? ticketExample(level.ticketPatterns) : null;

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (sending.current || submitted) return;
    const found = validateRequestForm(level, { durationMinutes, startMode, startsAt, justification, ticket });
    setErrors(found);
    if (Object.keys(found).length > 0) {
      // Focus the first field in error once it is marked, so keyboard and screen-reader users land on it.
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    sending.current = true;
    const result = await executeAsync({
      target,
      accessLevel: levelId,
      durationMinutes,
      startsAt: startMode === "at" ? new Date(startsAt) : null,
      justification,
      ticket: ticket.trim() || null,
    });
    // Released only when nothing was filed: after success the guard stays until the page moves on.
    if (!result?.data) sending.current = false;
    if (result?.data) {
      draftStore.write(draftKey, null);
      setSubmitted(true);
      router.push(`/requests?submitted=${encodeURIComponent(result.data.id)}`);
      router.refresh();
      return;
    }
    const validation = result?.validationErrors ? "Some of the input is not valid; check the fields." : null;
    setErrors({ form: result?.serverError ?? validation ?? "The request could not be sent. Try again." });
  }

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate aria-busy={busy} className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]" data-testid="request-form">
      <div className="min-w-0 space-y-5 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <fieldset>
          <legend className="mb-2 text-sm font-medium text-slate-900">Access level</legend>
          <div className="space-y-2">
            {levels.map((l) => (
              <label key={l.id} className={`flex cursor-pointer gap-3 rounded-md border p-3 text-sm ${l.id === levelId ? "border-sky-500 bg-sky-50" : "border-slate-200"}`}>
                <input
                  type="radio"
                  name="accessLevel"
                  value={l.id}
                  checked={l.id === levelId}
                  onChange={() => {
                    setLevelId(l.id);
                    setDuration((d) => Math.min(d, l.maxDurationMinutes));
                  }}
                  className="mt-1"
                />
                <span>
                  <span className="font-medium text-slate-900">{l.label}</span>
                  <span className="block text-slate-600">{l.description}</span>
                  <span className="mt-1 block text-xs text-slate-500">
                    {l.autoApprove ? "Approved automatically" : `${l.approvalSteps.length} approval step${l.approvalSteps.length === 1 ? "" : "s"}`} · up to{" "}
                    {formatDuration(l.maxDurationMinutes)}
                  </span>
                </span>
              </label>
            ))}
          </div>
          {errorText("accessLevel")}
        </fieldset>

        <fieldset>
          <legend className="mb-2 text-sm font-medium text-slate-900">Duration</legend>
          <div className="flex flex-wrap gap-2">
            {presets.map((p) => (
              <button
                key={p}
                type="button"
                onClick={() => {
                  setCustom(false);
                  setDuration(p);
                }}
                aria-pressed={!custom && durationMinutes === p}
                className={`rounded-md border px-3 py-1.5 text-sm ${!custom && durationMinutes === p ? "border-sky-500 bg-sky-50 text-sky-800" : "border-slate-300 text-slate-700 hover:bg-slate-50"}`}
              >
                {formatDuration(p)}
              </button>
            ))}
            <button
              type="button"
              onClick={() => setCustom(true)}
              aria-pressed={custom}
              className={`rounded-md border px-3 py-1.5 text-sm ${custom ? "border-sky-500 bg-sky-50 text-sky-800" : "border-slate-300 text-slate-700 hover:bg-slate-50"}`}
            >
              Custom
            </button>
          </div>
          {custom ? (
            <label className="mt-2 block text-sm">
              <span className="text-slate-600">Minutes ({POLICY_MIN_DURATION_MINUTES}–{max})</span>
              <input
                type="number"
                name="durationMinutes"
                min={POLICY_MIN_DURATION_MINUTES}
                max={max}
                step={1}
                value={Number.isNaN(durationMinutes) ? "" : durationMinutes}
                onChange={(e) => setDuration(e.target.valueAsNumber)}
                {...errorProps("duration")}
                className={`${input} mt-1 sm:w-40`}
              />
            </label>
          ) : null}
          <p className="mt-1 text-xs text-slate-500">
            {Number.isFinite(durationMinutes) ? formatDuration(durationMinutes) : "—"} of at most {formatDuration(max)} allowed by policy.
          </p>
          {errorText("duration")}
        </fieldset>

        <fieldset>
          <legend className="mb-2 text-sm font-medium text-slate-900">Start</legend>
          <div className="flex flex-wrap gap-4 text-sm">
            <label className="flex items-center gap-2">
              <input type="radio" name="startMode" checked={startMode === "now"} onChange={() => setStartMode("now")} /> As soon as approved
            </label>
            <label className="flex items-center gap-2">
              <input type="radio" name="startMode" checked={startMode === "at"} onChange={() => setStartMode("at")} /> At a time
            </label>
          </div>
          {startMode === "at" ? (
            <input type="datetime-local" aria-label="Start time" value={startsAt} onChange={(e) => setStartsAt(e.target.value)} {...errorProps("startsAt")} className={`${input} mt-2 sm:w-64`} />
          ) : null}
          {errorText("startsAt")}
        </fieldset>

        <label className="block">
          <span className="text-sm font-medium text-slate-900">
            Justification {level?.requireJustification ? <span className="text-rose-700">*</span> : <span className="font-normal text-slate-500">(optional)</span>}
          </span>
          <textarea name="justification" rows={3} maxLength={2000} value={justification} onChange={(e) => setJustification(e.target.value)} {...errorProps("justification")} placeholder="What you need it for, e.g. the incident or change you are working on" className={`${input} mt-1`} />
          {errorText("justification")}
        </label>

        {showTicket ? (
          <label className="block">
            <span className="block text-sm font-medium text-slate-900">
              Ticket {level?.requireTicket ? <span className="text-rose-700">*</span> : <span className="font-normal text-slate-500">(optional)</span>}
            </span>
            <input name="ticket" value={ticket} maxLength={200} onChange={(e) => setTicket(e.target.value)} {...errorProps("ticket")} placeholder={`e.g. ${example ?? "OPS-123"}`} className={`${input} mt-1 block sm:w-64`} />
            {level && level.ticketPatterns.length > 0 ? (
              <span className="mt-1 block text-xs text-slate-500">
                {example ? `A ticket id such as ${example}` : "A ticket id"} (format:{" "}
                {level.ticketPatterns.map((p, i) => (
                  <span key={p}>
                    {i > 0 ? " and " : null}
                    <code className="rounded bg-slate-100 px-1">{p}</code>
                  </span>
                ))}
                )
              </span>
            ) : null}
            {errorText("ticket")}
          </label>
        ) : null}

        {errors.form ? (
          <p role="alert" className="rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800">
            {errors.form}
          </p>
        ) : null}
        <div className="flex items-center gap-3">
          <Button type="submit" disabled={busy}>
            {submitted ? "Submitted" : isPending ? "Submitting…" : level?.autoApprove ? "Request (approved automatically)" : "Submit request"}
          </Button>
          {submitted ? (
            <span role="status" className="text-sm text-slate-600" data-testid="request-submitted">
              Request sent. Opening it…
            </span>
          ) : null}
        </div>
      </div>

      <div className="min-w-0 space-y-4">
        {level ? (
          <section className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
            <h3 className="text-sm font-semibold text-slate-900">Approval</h3>
            {level.autoApprove ? (
              <p className="mt-1 text-sm text-slate-600">
                <Badge tone="green">Automatic</Badge> Policy approves this at once; access is provisioned within seconds of the start time.
              </p>
            ) : (
              <ol className="mt-2 space-y-1 text-sm text-slate-700">
                {level.approvalSteps.map((step, i) => (
                  <li key={`${step.name}-${i}`}>
                    <span className="font-medium">{i + 1}. {step.name}</span>: {step.quorum} of {step.approvers.join(", ")}
                  </li>
                ))}
              </ol>
            )}
          </section>
        ) : null}
        {level ? (
          <section className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid="policy-preview">
            <h3 className="text-sm font-semibold text-slate-900">What you will receive</h3>
            <p className="mt-1 text-sm text-slate-600">{level.grant.summary}</p>
            {sessionsOutlast ? (
              <p className="mt-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="sessions-outlast">
                {sessionsOutlast}
              </p>
            ) : null}
            {level.grant.policyDocument ? (
              <pre className="mt-3 max-h-96 overflow-auto rounded-md bg-slate-900 p-3 text-xs leading-5 text-slate-100">{level.grant.policyDocument}</pre>
            ) : null}
          </section>
        ) : null}
      </div>
    </form>
  );
}
