import { CopyButton, DownloadButton } from "./copy-button";

/** The IAM documents to create, each with copy and download buttons (built server-side by lib/integrations/setup-documents). */
export function SetupHelper({ documents }: { documents: { id: string; title: string; filename: string; body: string }[] }) {
  return (
    <div className="space-y-4">
      {documents.map((d) => (
        <section key={d.id} aria-labelledby={`doc-${d.id}`} className="rounded-lg border border-slate-200 bg-white shadow-sm">
          <div className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-200 px-4 py-2">
            <div className="min-w-0">
              <h2 id={`doc-${d.id}`} className="text-sm font-semibold text-slate-900">
                {d.title}
              </h2>
              <p className="font-mono text-xs text-slate-500">{d.filename}</p>
            </div>
            <div className="flex gap-2">
              <CopyButton text={d.body} what={d.filename} />
              <DownloadButton text={d.body} filename={d.filename} />
            </div>
          </div>
          <pre className="max-h-96 overflow-auto p-4 text-xs leading-5 text-slate-800" data-testid={`setup-${d.id}`}>
            {d.body}
          </pre>
        </section>
      ))}
    </div>
  );
}
