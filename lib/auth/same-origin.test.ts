import { describe, expect, it } from "vitest";
import { isCrossSiteRequest } from "./same-origin.ts";

describe("isCrossSiteRequest", () => {
  it("refuses what the browser marks as from another site or origin, and lets same-origin and non-browser calls through", () => {
    expect(isCrossSiteRequest(new Headers({ "sec-fetch-site": "same-site" }))).toBe(true);
    expect(isCrossSiteRequest(new Headers({ "sec-fetch-site": "cross-site" }))).toBe(true);
    expect(isCrossSiteRequest(new Headers({ "sec-fetch-site": "same-origin" }))).toBe(false);
    expect(isCrossSiteRequest(new Headers({ "sec-fetch-site": "none" }))).toBe(false);
    expect(isCrossSiteRequest(new Headers())).toBe(false);
  });
});
