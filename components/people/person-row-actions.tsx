"use client";

import { usePortalAction } from "@/components/ui/use-portal-action";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ReasonForm } from "@/components/ui/reason-form";
import { disableUserAction, enableUserAction, endUserSessionsAction, resetSignInLinkAction } from "@/app/(admin)/admin/people/actions";
import type { TPersonRow } from "@/lib/people/list-people";

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** End sessions, disable (with a reason, saying what it will end) and enable, for one person. */
export function PersonRowActions({ person, self }: { person: TPersonRow; self: boolean }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const refresh = (message: string) => {
    setDone(message);
    router.refresh();
  };
  // A refusal (e.g. another admin acted first) reloads the row too, so it shows where things stand.
  const onError = () => {
    setDone(null);
    router.refresh();
  };
  const disable = usePortalAction(disableUserAction, {
    onSuccess: ({ data }) => {
      setOpen(false);
      if (data)
        refresh(
          `Disabled: ${plural(data.sessionsEnded, "session")} ended, ${plural(data.requestsCancelled, "request")} cancelled, ${plural(data.grantsRevoked, "grant")} being revoked${data.approvalsWithdrawn > 0 ? `, approvals withdrawn on ${plural(data.approvalsWithdrawn, "pending request")}` : ""}.`,
        );
    },
    onError,
  });
  const enable = usePortalAction(enableUserAction, { onSuccess: () => refresh("Enabled: they can sign in again."), onError });
  const endSessions = usePortalAction(endUserSessionsAction, { onSuccess: ({ data }) => data && refresh(`${plural(data.sessionsEnded, "session")} ended.`), onError });
  const resetLink = usePortalAction(resetSignInLinkAction, {
    onSuccess: () => refresh("Sign-in link reset: their next single sign-on links this email to the account they use."),
    onError,
  });
  /** One outcome shown at a time: starting an action clears what the others said. */
  const run = <T,>(action: { execute: (input: T) => void }, others: { reset: () => void }[], input: T) => {
    for (const o of others) o.reset();
    setDone(null);
    action.execute(input);
  };
  const error =
    disable.result.serverError ??
    disable.result.validationErrors?.reason?._errors?.[0] ??
    enable.result.serverError ??
    endSessions.result.serverError ??
    resetLink.result.serverError ??
    null;
  const busy = disable.isPending || enable.isPending || endSessions.isPending || resetLink.isPending;
  const id = person.id;
  return (
    <div className="flex flex-col items-stretch gap-2 md:items-end">
      <div className="flex flex-wrap gap-2">
        {person.liveSessions > 0 ? (
          <Button variant="secondary" className="px-2.5 py-1 text-xs" disabled={busy} onClick={() => run(endSessions, [disable, enable, resetLink], { userId: id })} data-testid={`end-sessions-${id}`}>
            {endSessions.isPending ? "Signing out…" : self ? "Sign out everywhere" : "End sessions"}
          </Button>
        ) : null}
        {person.signInLinked ? (
          <Button
            variant="secondary"
            className="px-2.5 py-1 text-xs"
            disabled={busy}
            title="Their email is linked to the identity-provider account they first signed in with; another account with this email is refused. Reset after a legitimate change (IdP migration)."
            onClick={() => run(resetLink, [disable, enable, endSessions], { userId: id })}
            data-testid={`reset-link-${id}`}
          >
            {resetLink.isPending ? "Resetting…" : "Reset sign-in link"}
          </Button>
        ) : null}
        {person.disabled ? (
          <Button variant="secondary" className="px-2.5 py-1 text-xs" disabled={busy} onClick={() => run(enable, [disable, endSessions, resetLink], { userId: id })} data-testid={`enable-${id}`}>
            {enable.isPending ? "Enabling…" : "Enable"}
          </Button>
        ) : !self && !open ? (
          <Button variant="danger" className="px-2.5 py-1 text-xs" disabled={busy} onClick={() => setOpen(true)} data-testid={`disable-${id}`}>
            Disable…
          </Button>
        ) : null}
      </div>
      {open ? (
        <ReasonForm
          id={`disable-reason-${id}`}
          label="Why?"
          placeholder="e.g. left the company"
          confirmLabel="Disable and revoke"
          pendingLabel="Disabling…"
          pending={disable.isPending}
          onConfirm={(reason) => run(disable, [enable, endSessions, resetLink], { userId: id, reason })}
          onCancel={() => setOpen(false)}
          confirmTestId={`confirm-disable-${id}`}
          className="md:w-72"
        >
          <p className="text-xs text-slate-700">
            Disabling {person.email} refuses their sign-in and ends {plural(person.liveSessions, "session")}, cancels{" "}
            {plural(person.pendingRequests, "pending request")} and revokes {plural(person.liveGrants, "live grant")} now.
          </p>
        </ReasonForm>
      ) : null}
      {error ? (
        <p role="alert" className="text-xs text-rose-700">
          {error}
        </p>
      ) : done ? (
        <p role="status" className="text-xs text-emerald-700" data-testid={`person-result-${id}`}>
          {done}
        </p>
      ) : null}
    </div>
  );
}
