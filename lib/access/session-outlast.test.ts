import { describe, expect, it } from "vitest";
import { sessionsOutlastNote } from "./session-outlast.ts";

describe("sessionsOutlastNote", () => {
  it("names the permission set's own session duration, and 12 hours for a group", () => {
    expect(sessionsOutlastNote("PERMISSION_SET", "PT4H")).toMatch(/up to 4 hours more/);
    expect(sessionsOutlastNote("PERMISSION_SET", "PT1H")).toMatch(/up to 1 hour more/);
    expect(sessionsOutlastNote("PERMISSION_SET", "PT90M")).toMatch(/up to 90 minutes more/);
    // AWS's default when the set does not say.
    expect(sessionsOutlastNote("PERMISSION_SET", null)).toMatch(/up to 1 hour more/);
    expect(sessionsOutlastNote("GROUP", null)).toMatch(/up to 12 hours more/);
  });

  it("says nothing for resources: their temporary permission set's sessions end within the grant", () => {
    expect(sessionsOutlastNote("S3_BUCKET", null)).toBeNull();
  });
});
