import { NextResponse, type NextRequest } from "next/server";

/**
 * A fresh Content-Security-Policy nonce per page request: Next.js reads it from the request's CSP header and
 * puts it on its own inline and chunk scripts, so no other script runs ('strict-dynamic' lets those scripts
 * load the rest). Pages render per request (the root layout waits for the connection), as a nonce requires.
 * Style elements need the nonce too; style attributes stay allowed (React's cannot carry one). API routes
 * and static files get the fixed headers from next.config.js.
 */
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  // eslint-disable-next-line no-restricted-properties -- NODE_ENV is set by Next per build, not configuration
  const dev = process.env.NODE_ENV === "development";
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // Style elements need the nonce (an injected <style> could read the page through selectors); style
    // attributes stay allowed, as React sets them (progress bars) and they cannot carry a nonce. `next dev`
    // injects its styles without one. Stylesheets load as <link>s; a hoisted React <style> would not get the
    // nonce (Next passes it for scripts only), so the app has none (app/global-error.tsx uses attributes).
    dev ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  return response;
}

export const config = {
  matcher: [
    {
      source: "/((?!api/|api$|_next/static|_next/image|favicon.ico|icon.svg).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
