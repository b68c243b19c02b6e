import type { ReactNode, SelectHTMLAttributes } from "react";

/** The text input / select / textarea look shared by every form. */
export const fieldClasses = "w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-sky-500 focus:outline-none focus:ring-1 focus:ring-sky-500 aria-invalid:border-rose-500 aria-invalid:focus:ring-rose-500";

/** The small label above a field. */
export function FieldLabel({ children }: { children: ReactNode }) {
  return <span className="mb-1 block text-xs font-medium text-slate-600">{children}</span>;
}

export type TSelectOption = { value: string; label: string };

/**
 * A labelled native select: `emptyOption` adds a first "" choice ("Any OU"). Works controlled
 * (`value` + `onChange`) and in plain GET forms (`name` + `defaultValue`).
 */
export function SelectField({
  label,
  options,
  emptyOption,
  className,
  ...select
}: Omit<SelectHTMLAttributes<HTMLSelectElement>, "children"> & { label: ReactNode; options: readonly TSelectOption[]; emptyOption?: string }) {
  return (
    <label className={className}>
      <FieldLabel>{label}</FieldLabel>
      <select {...select} className={fieldClasses}>
        {emptyOption !== undefined ? <option value="">{emptyOption}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
