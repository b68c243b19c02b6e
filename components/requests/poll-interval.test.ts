import { describe, expect, it } from "vitest";
import type { TRequestView } from "@/lib/access/get-request-timeline";
import { IDLE_POLL_MS, LIVE_POLL_MS, pollInterval } from "./poll-interval.ts";

const now = Date.parse("2026-11-29T12:00:00Z");
const at = (minutes: number) => new Date(now + minutes * 60_000).toISOString();
const view = (status: string, grant?: { state: string; startsAt: string; expiresAt: string }) => ({ status, grant: grant ?? null }) as unknown as TRequestView;

describe("pollInterval", () => {
  it("polls often while a decision or the worker is awaited", () => {
    expect(pollInterval([view("PENDING")], now)).toBe(LIVE_POLL_MS);
    expect(pollInterval([view("APPROVED", { state: "PROVISIONING", startsAt: at(-1), expiresAt: at(60) })], now)).toBe(LIVE_POLL_MS);
    expect(pollInterval([view("APPROVED", { state: "REVOKING", startsAt: at(-60), expiresAt: at(0) })], now)).toBe(LIVE_POLL_MS);
    // Approved and due now: the worker is about to take it.
    expect(pollInterval([view("APPROVED", { state: "APPROVED", startsAt: at(-1), expiresAt: at(60) })], now)).toBe(LIVE_POLL_MS);
  });

  it("polls rarely while access is simply live or booked, but looks again by the next start or expiry", () => {
    expect(pollInterval([view("APPROVED", { state: "ACTIVE", startsAt: at(-60), expiresAt: at(420) })], now)).toBe(IDLE_POLL_MS);
    expect(pollInterval([view("APPROVED", { state: "APPROVED", startsAt: at(24 * 60), expiresAt: at(25 * 60) })], now)).toBe(IDLE_POLL_MS);
    expect(pollInterval([view("APPROVED", { state: "ACTIVE", startsAt: at(-60), expiresAt: new Date(now + 10_000).toISOString() })], now)).toBe(10_000);
    expect(pollInterval([view("DENIED"), view("APPROVED", { state: "EXPIRED", startsAt: at(-120), expiresAt: at(-60) })], now)).toBe(IDLE_POLL_MS);
    expect(pollInterval(undefined, now)).toBe(IDLE_POLL_MS);
  });
});
