import { describe, expect, it } from "vitest";
import { formatDateTime, formatDuration, formatRelative, formatUtcDateTime } from "./time.ts";

describe("formatDuration", () => {
  it.each([
    [45, "45 min"],
    [60, "1 h"],
    [90, "1 h 30 min"],
    [480, "8 h"],
    [1_500, "1 d 1 h"],
    [43_200, "30 d"],
  ])("%i → %s", (minutes, text) => {
    expect(formatDuration(minutes)).toBe(text);
  });
});

describe("formatRelative", () => {
  const now = Date.parse("2026-11-28T12:00:00Z");
  it("says how far ahead or behind, in seconds under a minute", () => {
    expect(formatRelative("2026-11-28T12:00:40Z", now)).toBe("in 40 s");
    expect(formatRelative("2026-11-28T10:40:00Z", now)).toBe("1 h 20 min ago");
    expect(formatRelative("2026-11-28T12:00:00Z", now)).toBe("now");
  });
});

describe("formatDateTime", () => {
  const iso = "2026-11-28T14:30:00Z";
  it("names the zone, so a time read in another zone is not mistaken", () => {
    expect(formatDateTime(iso, { timeZone: "UTC" })).toMatch(/UTC$/);
    expect(formatDateTime(iso, { timeZone: "America/New_York" })).toMatch(/9:30.*EST$/);
    // Without a zone it is the runtime's own (the browser's, in <LocalTime>), still named.
    expect(formatDateTime(iso)).toBe(formatDateTime(iso, { timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone }));
  });
  it("says — for no time", () => {
    expect(formatDateTime(null)).toBe("—");
  });
});

describe("formatUtcDateTime", () => {
  it("is the same text whatever the runtime's locale and zone", () => {
    expect(formatUtcDateTime("2026-11-28T14:30:59Z")).toBe("2026-11-28 14:30 UTC");
    expect(formatUtcDateTime(new Date("2026-11-28T23:05:00-05:00"))).toBe("2026-11-29 04:05 UTC");
    expect(formatUtcDateTime(null)).toBe("—");
    expect(formatUtcDateTime("not a date")).toBe("—");
  });
});
