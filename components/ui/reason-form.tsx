"use client";

import { useState, type ReactNode } from "react";
import { Button } from "./button";

/**
 * The inline "say why, then confirm" form of a destructive admin action (revoke a grant, disable a
 * person): the confirm button stays disabled until a reason is typed.
 */
export function ReasonForm({
  id,
  label,
  placeholder,
  confirmLabel,
  pendingLabel,
  pending,
  onConfirm,
  onCancel,
  confirmTestId,
  className = "sm:w-64",
  children,
}: {
  id: string;
  label: string;
  placeholder: string;
  confirmLabel: string;
  pendingLabel: string;
  pending: boolean;
  onConfirm: (reason: string) => void;
  onCancel: () => void;
  confirmTestId?: string;
  className?: string;
  children?: ReactNode;
}) {
  const [reason, setReason] = useState("");
  return (
    <form
      className={`flex w-full flex-col gap-2 ${className}`}
      onSubmit={(e) => {
        e.preventDefault();
        onConfirm(reason);
      }}
    >
      {children}
      <label className="text-xs font-medium text-slate-700" htmlFor={id}>
        {label}
      </label>
      <input id={id} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} required className="rounded-md border border-slate-300 px-2 py-1.5 text-sm" placeholder={placeholder} />
      <div className="flex gap-2">
        <Button type="submit" variant="danger" className="px-2.5 py-1 text-xs" disabled={pending || reason.trim() === ""} data-testid={confirmTestId}>
          {pending ? pendingLabel : confirmLabel}
        </Button>
        <Button type="button" variant="ghost" className="px-2.5 py-1 text-xs" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
