// @ts-check
import { PHASE_PRODUCTION_BUILD } from "next/constants.js";
import { createJiti } from "jiti";

/**
 * Security headers on every response. Pages get their Content-Security-Policy with a per-request script
 * nonce from proxy.ts; everything else (API routes, static files) gets this fixed, stricter one. HSTS is
 * ignored by browsers over plain http (the demo on localhost).
 */
const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  { key: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains" },
];
const fixedCsp = { key: "Content-Security-Policy", value: "default-src 'none'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'" };

/** @param {string} phase */
export default async function config(phase) {
  // A wrong or missing variable stops start-up with one line naming it (not at build time:
  // one build serves every environment).
  if (phase !== PHASE_PRODUCTION_BUILD && process.env.SKIP_ENV_VALIDATION !== "1") {
    const jiti = createJiti(import.meta.url);
    try {
      await jiti.import("./lib/env.ts");
    } catch (e) {
      console.error(e instanceof Error && e.name === "EnvError" ? e.message : e);
      process.exit(1);
    }
  }
  /** @type {import('next').NextConfig} */
  const nextConfig = {
    reactStrictMode: true,
    poweredByHeader: false,
    serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "@prisma/client", "@prisma/adapter-pg", "pg", "nodemailer"],
    experimental: { authInterrupts: true },
    // `npm run typecheck` (tsc) and `npm run lint` run on their own in CI; the build does not repeat them.
    typescript: { ignoreBuildErrors: true },
    async headers() {
      return [
        { source: "/:path*", headers: securityHeaders },
        { source: "/api/:path*", headers: [fixedCsp] },
        { source: "/_next/static/:path*", headers: [fixedCsp] },
      ];
    },
  };
  return nextConfig;
}
