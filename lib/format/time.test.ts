import { describe, expect, it } from "vitest";
import { formatDuration, formatRelative } from "./time.ts";

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
