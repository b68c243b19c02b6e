import { describe, expect, it } from "vitest";
import { authorizeWorkerRequest } from "./authorize-worker-request.ts";

describe("authorizeWorkerRequest", () => {
  const secret = "s3cret-s3cret-s3cret";
  it("refuses when no secret is configured, whatever the header", () => {
    expect(authorizeWorkerRequest(`Bearer ${secret}`, undefined)).toMatchObject({ ok: false, status: 503 });
    expect(authorizeWorkerRequest("Bearer ", "")).toMatchObject({ ok: false, status: 503 });
  });
  it("accepts only the exact bearer secret", () => {
    expect(authorizeWorkerRequest(`Bearer ${secret}`, secret)).toEqual({ ok: true });
    expect(authorizeWorkerRequest(`Bearer ${secret}x`, secret)).toMatchObject({ ok: false, status: 401 });
    expect(authorizeWorkerRequest(secret, secret)).toMatchObject({ ok: false, status: 401 });
    expect(authorizeWorkerRequest(null, secret)).toMatchObject({ ok: false, status: 401 });
    expect(authorizeWorkerRequest("Basic abc", secret)).toMatchObject({ ok: false, status: 401 });
  });
});
