import { describe, expect, it } from "vitest";
import { collectPages } from "./aws-paginate.ts";

const pages = (list: { items: number[]; next?: string }[]) => {
  const byToken = new Map(list.map((p, i) => [i === 0 ? undefined : `t${i}`, p]));
  return async (token: string | undefined) => byToken.get(token) ?? { items: [] };
};

describe("collectPages", () => {
  it("follows every token, through empty pages that still carry one", async () => {
    const fetch = pages([{ items: [1, 2], next: "t1" }, { items: [], next: "t2" }, { items: [3] }]);
    expect(await collectPages(fetch)).toEqual([1, 2, 3]);
  });

  it("throws when the endpoint repeats a token, instead of returning a listing cut short", async () => {
    const fetch = pages([{ items: [1], next: "t1" }, { items: [2], next: "t1" }]);
    await expect(collectPages(fetch)).rejects.toThrow(/repeated a page token after 2 items/);
  });
});
