"use client";

/**
 * Shown when the root layout itself fails. It replaces that layout (no stylesheet), and Next's built-in one
 * carries an inline <style> the page's CSP refuses: so only style attributes here, which the policy allows.
 */
export default function GlobalError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body style={{ margin: 0, fontFamily: "system-ui, sans-serif", background: "#f8fafc", color: "#0f172a" }}>
        <main style={{ maxWidth: 32 * 16, margin: "0 auto", padding: "6rem 1.5rem", textAlign: "center" }}>
          <h1 style={{ fontSize: "1.5rem", fontWeight: 600, margin: 0 }}>Something went wrong</h1>
          <p style={{ marginTop: "0.75rem", color: "#475569" }}>The error was logged. Try again; if it keeps happening, tell a portal administrator.</p>
          <button
            type="button"
            onClick={reset}
            style={{ marginTop: "1.5rem", padding: "0.5rem 1rem", border: 0, borderRadius: "0.375rem", background: "#0f172a", color: "#fff", fontSize: "0.875rem", cursor: "pointer" }}
          >
            Try again
          </button>
        </main>
      </body>
    </html>
  );
}
