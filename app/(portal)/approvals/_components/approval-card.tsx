"use client";

import { useQueryClient } from "@tanstack/react-query";
import { usePortalAction } from "@/components/ui/use-portal-action";
import { useId, useState } from "react";
import { TARGET_TYPE_LABELS, TARGET_TYPE_TONES } from "@/components/catalog/target-labels";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { accessLevelLabel } from "@/lib/access/access-levels";
import type { TInboxItem } from "@/lib/access/list-approver-inbox";
import { decideAccessRequestAction } from "../actions";
import { LocalTime, useLocalDateTime } from "@/components/ui/local-time";
import { STATUS_TONES, formatDuration, formatRelative } from "./format";
import { approverInboxQueryKey } from "./inbox-query";

/** "full": whole row; "half": half a row at every width; default: whole row on phones, half from sm up. */
function Field({ label, children, span }: { label: string; children: React.ReactNode; span?: "full" | "half" }) {
  return (
    <div className={span === "full" ? "col-span-2" : span === "half" ? "col-span-1" : "col-span-2 sm:col-span-1"}>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-0.5 min-w-0 break-words text-sm text-slate-900">{children}</dd>
    </div>
  );
}

export type TDecisionNotice = { id: string; tone: "success" | "error"; text: string };

export function ApprovalCard({ item, onOutcome }: { item: TInboxItem; onOutcome: (notice: TDecisionNotice) => void }) {
  const queryClient = useQueryClient();
  const commentId = useId();
  const [comment, setComment] = useState("");
  const [pending, setPending] = useState<"APPROVE" | "DENY" | null>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const { executeAsync, result, isPending, hasSucceeded } = usePortalAction(decideAccessRequestAction);

  const target = item.target;
  const requesterName = item.requester.name ?? item.requester.email;
  const targetType = target.type ?? item.targetType;
  const levelLabel = accessLevelLabel(targetType, item.accessLevel);
  // A group lives in Identity Center, not in an account: account, OU and ARN do not apply to it.
  const isGroup = item.targetType === "GROUP" || target.type === "GROUP";
  const pendingExpiresText = useLocalDateTime(item.pendingExpiresAt);

  const decide = async (decision: "APPROVE" | "DENY") => {
    setLocalError(null);
    if (decision === "DENY" && comment.trim() === "") {
      setLocalError("Say why you deny it: the requester sees your comment.");
      return;
    }
    setPending(decision);
    const res = await executeAsync({ requestId: item.id, step: item.step.index, decision, comment });
    setPending(null);
    const about = `${requesterName}, ${levelLabel} on ${target.name ?? "the target"}`;
    // Decided or stale: either way the inbox is reloaded to show the truth, and the outcome is reported
    // above the list because this card usually leaves it.
    if (res?.data) onOutcome({ id: `${item.id}:${Date.now()}`, tone: "success", text: `${about}: ${res.data.message}` });
    else if (res?.serverError) onOutcome({ id: `${item.id}:${Date.now()}`, tone: "error", text: `${about}: ${res.serverError}` });
    if (res?.data || res?.serverError) await queryClient.invalidateQueries({ queryKey: approverInboxQueryKey });
  };

  const serverError = result.serverError ?? result.validationErrors?.comment?._errors?.[0] ?? (result.validationErrors ? "Some of the input is not valid." : null);
  const error = localError ?? serverError;

  return (
    <article
      className="rounded-lg border border-slate-200 bg-white shadow-sm"
      data-testid="approval-card"
      data-request-id={item.id}
      aria-labelledby={`${item.id}-title`}
    >
      <header className="flex flex-col gap-2 border-b border-slate-100 px-4 py-3 sm:flex-row sm:items-start sm:justify-between sm:px-5">
        <div className="min-w-0">
          <h2 id={`${item.id}-title`} className="text-base font-semibold text-slate-900">
            <span>{requesterName}</span> <span className="font-normal text-slate-600">requests</span> <span>{levelLabel}</span>{" "}
            <span className="font-normal text-slate-600">on</span> <span className="break-all">{target.name ?? "(unnamed target)"}</span>
          </h2>
          <p className="mt-0.5 text-xs text-slate-500">
            {item.requester.email} · submitted <span suppressHydrationWarning>{formatRelative(item.createdAt)}</span>
            {item.extendsGrantId ? " · extension of an active grant" : ""}
          </p>
        </div>
        <div className="flex shrink-0 flex-wrap gap-1.5">
          <Badge tone={TARGET_TYPE_TONES[target.type ?? item.targetType] ?? "neutral"}>{TARGET_TYPE_LABELS[target.type ?? item.targetType] ?? target.type ?? item.targetType}</Badge>
          <Badge tone="violet" title={`Step ${item.step.index + 1} of ${item.step.count}`}>
            Step {item.step.index + 1}/{item.step.count}: {item.step.name} · {item.step.approvals}/{item.step.quorum} approved
          </Badge>
          {item.pendingExpiresAt ? (
            <Badge tone="amber" title={pendingExpiresText}>
              <span suppressHydrationWarning>Times out {formatRelative(item.pendingExpiresAt)}</span>
            </Badge>
          ) : null}
        </div>
      </header>

      <div className="grid gap-5 px-4 py-4 sm:px-5 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="min-w-0 space-y-4">
          <dl className="grid grid-cols-2 gap-3">
            {isGroup ? null : (
              <>
                <Field label="Account">
                  {target.accountName ?? "—"} {target.accountId ? <span className="font-mono text-xs text-slate-600">({target.accountId})</span> : null}
                </Field>
                <Field label="Organizational unit">{target.ouPath ?? "—"}</Field>
                <Field label="ARN" span="full">
                  <span className="break-all font-mono text-xs">{target.arn ?? "—"}</span>
                </Field>
              </>
            )}
            {item.extendsGrantExpiresAt ? (
              <>
                <Field label="Extension" span="half">+{formatDuration(item.durationMinutes)}</Field>
                <Field label="Access ends" span="half">
                  <span data-testid="extension-ends">
                    <LocalTime iso={item.extendsGrantExpiresAt} /> →{" "}
                    <LocalTime iso={new Date(new Date(item.extendsGrantExpiresAt).getTime() + item.durationMinutes * 60_000)} /> if approved
                  </span>
                </Field>
              </>
            ) : (
              <>
                <Field label="Duration" span="half">{formatDuration(item.durationMinutes)}</Field>
                <Field label="Starts" span="half">
                  {item.startsAt ? (
                    <span>
                      <LocalTime iso={item.startsAt} /> (or at approval, if later)
                    </span>
                  ) : (
                    "As soon as approved"
                  )}
                </Field>
              </>
            )}
            <Field label="Ticket" span="half">{item.ticket ?? "—"}</Field>
            {target.region ? <Field label="Region" span="half">{target.region}</Field> : null}
            <Field label="Justification" span="full">
              {item.justification ? <span className="whitespace-pre-wrap">{item.justification}</span> : <span className="text-slate-500">None given</span>}
            </Field>
            {item.step.approvedBy.length > 0 ? <Field label="Approved at this step by" span="full">{item.step.approvedBy.join(", ")}</Field> : null}
          </dl>

          {item.policyDocument ? (
            <details className="group rounded-md border border-slate-200 bg-slate-50" data-testid="policy-document">
              <summary className="cursor-pointer select-none px-3 py-2 text-sm font-medium text-slate-800">
                IAM policy the grant will carry <span className="text-xs font-normal text-slate-500">(exact document)</span>
              </summary>
              <pre className="max-h-80 overflow-auto border-t border-slate-200 px-3 py-2 font-mono text-xs leading-relaxed text-slate-800">{item.policyDocument}</pre>
            </details>
          ) : (
            <p className="text-sm text-slate-600">
              {item.targetType === "PERMISSION_SET" ? "Assigns the existing permission set to the requester in this account." : item.targetType === "GROUP" ? "Adds the requester to this group for the duration." : "No inline policy for this target."}
            </p>
          )}
          {item.sessionsOutlast ? (
            <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="sessions-outlast">
              {item.sessionsOutlast}
            </p>
          ) : null}
        </div>

        <div className="min-w-0 space-y-4">
          <section aria-label="Requester history">
            <h3 className="text-xs font-medium uppercase tracking-wide text-slate-500">{requesterName}&apos;s recent requests</h3>
            {item.history.length === 0 ? (
              <p className="mt-1 text-sm text-slate-600">First request through the portal.</p>
            ) : (
              <ul className="mt-1 divide-y divide-slate-100 text-sm" data-testid="requester-history">
                {item.history.map((h) => (
                  <li key={h.id} className="flex items-start justify-between gap-2 py-1.5">
                    <span className="min-w-0">
                      <span className="break-all">{h.targetName}</span>{" "}
                      <span className="text-slate-500">
                        · {accessLevelLabel(h.targetType, h.accessLevel)} · {formatDuration(h.durationMinutes)} · <span suppressHydrationWarning>{formatRelative(h.createdAt)}</span>
                      </span>
                    </span>
                    <span className="flex shrink-0 gap-1">
                      <Badge tone={STATUS_TONES[h.status as keyof typeof STATUS_TONES] ?? "neutral"}>{h.status.replace("_", " ").toLowerCase()}</Badge>
                      {h.grantState ? <Badge tone={h.grantState === "FAILED" ? "red" : "neutral"}>{h.grantState.toLowerCase()}</Badge> : null}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>

          <form
            className="space-y-2"
            onSubmit={(e) => {
              e.preventDefault();
            }}
          >
            <label htmlFor={commentId} className="block text-sm font-medium text-slate-800">
              Comment <span className="font-normal text-slate-500">(required to deny; the requester sees it)</span>
            </label>
            <textarea
              id={commentId}
              value={comment}
              onChange={(e) => setComment(e.target.value)}
              maxLength={2000}
              rows={2}
              className="block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-sky-500 focus:outline-none focus:ring-1 focus:ring-sky-500"
              disabled={isPending || hasSucceeded}
            />
            {error ? (
              <p role="alert" className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-800">
                {error}
              </p>
            ) : null}
            {result.data ? (
              <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
                {result.data.message}
              </p>
            ) : null}
            {item.approvalBlocked ? (
              <p role="note" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="approval-blocked">
                {item.approvalBlocked}
              </p>
            ) : null}
            <div className="flex flex-col gap-2 sm:flex-row">
              <Button type="button" onClick={() => void decide("APPROVE")} disabled={isPending || hasSucceeded || !!item.approvalBlocked} className="sm:flex-1">
                {pending === "APPROVE" ? "Approving…" : "Approve"}
              </Button>
              <Button type="button" variant="danger" onClick={() => void decide("DENY")} disabled={isPending || hasSucceeded} className="sm:flex-1">
                {pending === "DENY" ? "Denying…" : "Deny"}
              </Button>
            </div>
          </form>
        </div>
      </div>
    </article>
  );
}
