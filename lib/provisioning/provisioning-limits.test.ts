import { afterEach, describe, expect, it } from "vitest";
import { acquireAssignmentSlot, assignmentSlotsInUse, MAX_ASSIGNMENT_OPERATIONS_IN_FLIGHT, shareAssignmentSlots } from "./provisioning-limits.ts";

afterEach(() => {
  shareAssignmentSlots(1);
});

describe("shareAssignmentSlots", () => {
  it("limits this process to its share of AWS's 15 in-flight assignment operations, and widening admits waiters", async () => {
    expect(shareAssignmentSlots(4)).toBe(3);
    const held = await Promise.all([acquireAssignmentSlot(), acquireAssignmentSlot(), acquireAssignmentSlot()]);
    let fourth = false;
    const waiting = acquireAssignmentSlot().then((release) => {
      fourth = true;
      return release;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(fourth).toBe(false);
    expect(assignmentSlotsInUse()).toBe(3);
    expect(shareAssignmentSlots(1)).toBe(MAX_ASSIGNMENT_OPERATIONS_IN_FLIGHT);
    const release = await waiting;
    expect(fourth).toBe(true);
    for (const r of [...held, release]) r();
    expect(assignmentSlotsInUse()).toBe(0);
    expect(shareAssignmentSlots(100)).toBe(1);
  });
});
