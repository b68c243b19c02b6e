import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { LocalTime } from "./local-time";

describe("LocalTime", () => {
  it("renders UTC, labelled, on the server (the viewer's zone is only known after mount)", () => {
    const html = renderToString(createElement(LocalTime, { iso: "2026-11-28T14:30:00Z" }));
    expect(html).toContain('dateTime="2026-11-28T14:30:00.000Z"');
    expect(html).toContain(">2026-11-28 14:30 UTC</time>");
  });

  it("renders — for no time", () => {
    expect(renderToString(createElement(LocalTime, { iso: null }))).toContain("—");
  });
});
