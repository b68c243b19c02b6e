"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

/** Sub-navigation of one integration's admin pages. */
export function IntegrationTabs({ id }: { id: string }) {
  const path = usePathname();
  const base = `/admin/integration/${id}`;
  const tabs = [
    { href: base, label: "Overview" },
    { href: `${base}/resources`, label: "Resources" },
    { href: `${base}/configuration`, label: "Configuration" },
    { href: `${base}/setup`, label: "Setup helper" },
  ];
  return (
    <nav aria-label="Integration" className="mb-6 border-b border-slate-200">
      {/* Wraps on narrow screens so every tab stays fully visible (no hidden horizontal scroll). */}
      <ul className="flex flex-wrap gap-x-1">
        {tabs.map((t) => {
          const active = path === t.href;
          return (
            <li key={t.href}>
              <Link href={t.href} aria-current={active ? "page" : undefined} className={`-mb-px block border-b-2 px-2.5 py-2 sm:px-3 text-sm font-medium whitespace-nowrap ${active ? "border-slate-900 text-slate-900" : "border-transparent text-slate-600 hover:text-slate-900"}`}>
                {t.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
