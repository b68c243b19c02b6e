import { describe, expect, it } from "vitest";

import { accessLevelLabel, defaultAccessLevel, describeAccessLevel, isAccessLevel, listAccessLevels } from "./access-levels";
import { TARGET_TYPES } from "./target-types";

describe("access level catalog", () => {
  it("lists the levels of each type, least privileged first", () => {
    const ids = Object.fromEntries(TARGET_TYPES.map((type) => [type, listAccessLevels(type).map((l) => l.id)]));
    expect(ids).toEqual({
      IAM_ROLE: ["assume"],
      IAM_POLICY: ["attach"],
      S3_BUCKET: ["read", "read-write"],
      EC2_INSTANCE: ["read", "connect", "operate"],
      SECRET: ["read-value"],
      PERMISSION_SET: ["assign"],
      GROUP: ["member"],
    });
  });

  it("gives every level a label and a description", () => {
    for (const type of TARGET_TYPES) {
      for (const level of listAccessLevels(type)) {
        expect(level.label.length, `${type}/${level.id}`).toBeGreaterThan(0);
        expect(level.description.length, `${type}/${level.id}`).toBeGreaterThan(10);
      }
    }
  });

  it("defaults to the least privileged level, which is one of the type's levels", () => {
    for (const type of TARGET_TYPES) {
      expect(defaultAccessLevel(type)).toBe(listAccessLevels(type)[0]?.id);
      expect(isAccessLevel(type, defaultAccessLevel(type))).toBe(true);
    }
    expect(defaultAccessLevel("EC2_INSTANCE")).toBe("read");
  });

  it("describes a level and refuses one the type does not have", () => {
    expect(describeAccessLevel("S3_BUCKET", "read-write")).toEqual({
      id: "read-write",
      label: "Read and write",
      description: "Read, plus upload and delete objects (including multipart uploads).",
    });
    expect(() => describeAccessLevel("SECRET", "read-write")).toThrow(
      expect.objectContaining({ code: "UNKNOWN_ACCESS_LEVEL", userMessage: '"read-write" is not an access level for secrets.' }),
    );
    expect(isAccessLevel("SECRET", "read-write")).toBe(false);
  });

  it("labels a stored level for display, falling back to the code it does not know", () => {
    expect(accessLevelLabel("SECRET", "read-value")).toBe("Read value");
    expect(accessLevelLabel("GROUP", "member")).toBe("Membership");
    expect(accessLevelLabel("PERMISSION_SET", "assign")).toBe("Assign");
    expect(accessLevelLabel("EC2_INSTANCE", "read")).toBe("Inspect");
    expect(accessLevelLabel("RESOURCE", "read")).toBe("read");
    expect(accessLevelLabel(null, "read")).toBe("read");
    expect(accessLevelLabel("SECRET", "read-write")).toBe("read-write");
  });
});
