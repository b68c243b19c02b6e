import type { ReactNode } from "react";

export type TWideTableColumn = { label: string; align?: "right" };

/**
 * The table of a list page on wider screens (md and up; pages show cards below that): bordered, scrolls
 * sideways when its content is wider, with uppercase column headers. `children` are the body rows.
 */
export function WideTable({ columns, children }: { columns: readonly (TWideTableColumn | null)[]; children: ReactNode }) {
  return (
    <div className="hidden overflow-x-auto rounded-lg border border-slate-200 bg-white md:block">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
          <tr>
            {columns.map((c) =>
              c ? (
                <th key={c.label} className={`px-3 py-2${c.align === "right" ? " text-right" : ""}`}>
                  {c.label}
                </th>
              ) : null,
            )}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">{children}</tbody>
      </table>
    </div>
  );
}
