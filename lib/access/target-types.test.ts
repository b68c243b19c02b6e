import { describe, expect, it } from "vitest";

import { ResourceType, TargetType } from "@/lib/db/generated/enums";

import { RESOURCE_TYPES, TARGET_TYPES, isResourceType, isTargetType } from "./target-types";

describe("target types", () => {
  it("mirror the Prisma ResourceType enum", () => {
    expect([...RESOURCE_TYPES].sort()).toEqual(Object.values(ResourceType).sort());
  });

  it("add the non-resource target kinds of the Prisma TargetType enum", () => {
    const nonResource = Object.values(TargetType).filter((kind) => kind !== "RESOURCE");
    expect(TARGET_TYPES.filter((type) => !isResourceType(type)).sort()).toEqual(nonResource.sort());
  });

  it("recognise only their own values", () => {
    expect(isTargetType("GROUP")).toBe(true);
    expect(isTargetType("RESOURCE")).toBe(false);
    expect(isResourceType("PERMISSION_SET")).toBe(false);
  });
});
