import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { RouteError } from "./route-error";

describe("RouteError", () => {
  it("offers to try again and shows the digest, never the message or the stack", () => {
    const error = Object.assign(new Error("connect ECONNREFUSED 10.0.0.5:5432 password=hunter2"), { digest: "2718281828" });
    const html = renderToStaticMarkup(createElement(RouteError, { error, retry: () => undefined }));
    expect(html).toContain("This page could not be loaded");
    expect(html).toContain(">Try again</button>");
    expect(html).toContain("2718281828");
    expect(html).not.toContain("ECONNREFUSED");
    expect(html).not.toContain("hunter2");
    expect(html).not.toContain("route-error.test");
  });

  it("works for a thrown value that is not an Error", () => {
    const html = renderToStaticMarkup(createElement(RouteError, { error: "boom", retry: () => undefined }));
    expect(html).toContain("Try again");
    expect(html).not.toContain("boom");
  });
});
