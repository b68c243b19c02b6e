/**
 * Whether a state-changing route handler may act on this browser request: refused when the browser
 * says it came from another site or origin (`Sec-Fetch-Site`). Server actions get Next's own origin
 * check; plain route handlers do not, and a SameSite=Lax cookie still rides along from a sibling
 * subdomain. Requests without the header (not from a browser: scripts, tests) carry no ambient
 * cookie risk and pass. Pure.
 */
export function isCrossSiteRequest(headers: Headers): boolean {
  const site = headers.get("sec-fetch-site");
  return site !== null && site !== "same-origin" && site !== "none";
}
