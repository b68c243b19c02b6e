"use client";

import { usePortalAction } from "@/components/ui/use-portal-action";
import { useEffect, useRef, useState } from "react";
import { searchPolicyOptionsAction } from "../actions";
import { FieldLabel } from "@/components/ui/field";

export type TPicked = { id: string; label: string };
type TKind = "user" | "group" | "permissionSet" | "resource" | "account" | "orgUnit";

/** Multi-select over discovered data: type to search (server-side, 20 matches), click to add, × to remove. */
export function OptionPicker({
  kind,
  label,
  value,
  onChange,
  integrationId,
  placeholder,
  testId,
}: {
  kind: TKind;
  label: string;
  value: TPicked[];
  onChange: (next: TPicked[]) => void;
  integrationId: string | null;
  placeholder?: string;
  testId?: string;
}) {
  const [q, setQ] = useState("");
  const [open, setOpen] = useState(false);
  const { execute, result, isPending } = usePortalAction(searchPolicyOptionsAction);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    if (!open) return;
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => execute({ kind, q, integrationId }), 200);
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, [q, open, kind, integrationId, execute]);

  const options = (result.data ?? []).filter((o) => !value.some((v) => v.id === o.id));
  return (
    <div className="relative" data-testid={testId}>
      <FieldLabel>{label}</FieldLabel>
      {value.length > 0 ? (
        <div className="mb-1.5 flex flex-wrap gap-1">
          {value.map((v) => (
            <span key={v.id} className="inline-flex items-center gap-1 rounded-full bg-sky-50 px-2 py-0.5 text-xs text-sky-800 ring-1 ring-sky-200">
              {v.label}
              <button type="button" aria-label={`Remove ${v.label}`} className="text-sky-600 hover:text-sky-900" onClick={() => onChange(value.filter((x) => x.id !== v.id))}>
                ×
              </button>
            </span>
          ))}
        </div>
      ) : null}
      <input
        type="search"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        placeholder={placeholder ?? "Search…"}
        aria-label={`Search ${label}`}
        className="w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm shadow-sm focus:border-sky-500 focus:outline-none focus:ring-1 focus:ring-sky-500"
      />
      {open ? (
        <ul role="listbox" className="absolute z-20 mt-1 max-h-64 w-full overflow-auto rounded-md border border-slate-200 bg-white py-1 text-sm shadow-lg">
          {isPending && options.length === 0 ? <li className="px-3 py-2 text-slate-500">Searching…</li> : null}
          {!isPending && options.length === 0 ? <li className="px-3 py-2 text-slate-500">{result.serverError ?? "No matches"}</li> : null}
          {options.map((o) => (
            <li key={o.id} role="option" aria-selected={false}>
              <button
                type="button"
                className="block w-full px-3 py-1.5 text-left hover:bg-slate-100"
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => {
                  onChange([...value, { id: o.id, label: o.label }]);
                  setQ("");
                }}
              >
                <span className="text-slate-900">{o.label}</span>
                {o.detail ? <span className="block truncate text-xs text-slate-500">{o.detail}</span> : null}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
