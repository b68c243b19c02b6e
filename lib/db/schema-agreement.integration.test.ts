import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readMigrations } from "./migrate.ts";
import type { TDatabase } from "./open-database.ts";
import { createTestDatabase } from "./test-database.ts";
import { applyMigrations } from "./migrate.ts";
import { isColumn, listArg, readSchemaOutline, type TModelOutline } from "./prisma-schema-outline.ts";

// Proves prisma/schema.prisma and prisma/migrations describe the same database: a fresh database
// migrated with the migration files has exactly the schema's tables, columns, types, nullability,
// enums, indexes and foreign keys, and every field of every model can be written and read back.

const schema = readSchemaOutline();
let db: TDatabase & { label: string };

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

const PG_TYPES: Record<string, string> = {
  String: "text",
  Int: "integer",
  BigInt: "bigint",
  Boolean: "boolean",
  DateTime: "timestamp without time zone",
  Json: "jsonb",
};

describe(`schema ↔ migrations (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("re-applying the migrations is a no-op", async () => {
    const again = await applyMigrations(db);
    expect(again.applied).toEqual([]);
    expect(again.total).toBe((await readMigrations()).length);
  });

  it("has exactly the schema's tables and columns, with matching types and nullability", async () => {
    const cols = await db.query<{ table_name: string; column_name: string; data_type: string; udt_name: string; is_nullable: string }>(
      `SELECT table_name, column_name, data_type, udt_name, is_nullable FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name <> '_prisma_migrations'`,
    );
    const tables = new Set(cols.map((c) => c.table_name));
    expect([...tables].sort()).toEqual(schema.models.map((m) => m.name).sort());
    for (const model of schema.models) {
      const expected = model.fields.filter((f) => isColumn(f, schema));
      const actual = cols.filter((c) => c.table_name === model.name);
      expect(actual.map((c) => c.column_name).sort(), model.name).toEqual(expected.map((f) => f.name).sort());
      for (const f of expected) {
        const c = actual.find((a) => a.column_name === f.name)!;
        const where = `${model.name}.${f.name}`;
        if (f.list) expect(c.data_type, where).toBe("ARRAY");
        else if (f.type in schema.enums) expect(c.udt_name, where).toBe(f.type);
        else expect(c.data_type, where).toBe(PG_TYPES[f.type]);
        // Prisma leaves scalar-list columns nullable; every other column's nullability follows `?`.
        if (!f.list) expect(c.is_nullable === "YES", where).toBe(f.optional);
      }
    }
  });

  it("has the schema's enums", async () => {
    const rows = await db.query<{ typname: string; enumlabel: string }>(
      `SELECT t.typname, e.enumlabel FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
       JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = current_schema() ORDER BY t.typname, e.enumsortorder`,
    );
    const actual: Record<string, string[]> = {};
    for (const r of rows) (actual[r.typname] ??= []).push(r.enumlabel);
    expect(actual).toEqual(schema.enums);
  });

  it("has an index for every @id, @unique, @@id, @@unique and @@index", async () => {
    const rows = await db.query<{ table: string; cols: string; uniq: boolean }>(
      `SELECT t.relname AS table, i.indisunique AS uniq,
              string_agg(a.attname, ',' ORDER BY array_position(i.indkey::int[], a.attnum::int)) AS cols
       FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(i.indkey)
       WHERE n.nspname = current_schema() GROUP BY t.relname, i.indexrelid, i.indisunique`,
    );
    for (const model of schema.models) {
      const want: { cols: string[]; unique: boolean }[] = [];
      for (const f of model.fields) {
        if (/@id\b|@unique\b/.test(f.attributes)) want.push({ cols: [f.name], unique: true });
      }
      for (const a of model.blockAttributes) {
        const kind = /^@@(\w+)/.exec(a)![1]!;
        if (kind === "id" || kind === "unique") want.push({ cols: listArg(a), unique: true });
        if (kind === "index") want.push({ cols: listArg(a), unique: false });
      }
      for (const w of want) {
        const found = rows.find((r) => r.table === model.name && r.cols === w.cols.join(",") && r.uniq === w.unique);
        expect(found, `${model.name}(${w.cols.join(",")}) unique=${w.unique}`).toBeTruthy();
      }
      const declared = want.length;
      const actual = rows.filter((r) => r.table === model.name).length;
      expect(actual, `${model.name} has indexes the schema does not declare`).toBe(declared);
    }
  });

  it("has a foreign key for every relation, with the declared onDelete", async () => {
    const rows = await db.query<{ table: string; cols: string; ref: string; del: string }>(
      `SELECT c.conrelid::regclass::text AS table, c.confrelid::regclass::text AS ref, c.confdeltype AS del,
              (SELECT string_agg(a.attname, ',') FROM pg_attribute a WHERE a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)) AS cols
       FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.contype = 'f' AND n.nspname = current_schema()`,
    );
    const unquote = (s: string) => s.replace(/^.*\./, "").replace(/"/g, "");
    let relations = 0;
    for (const model of schema.models) {
      for (const f of model.fields) {
        const fields = listArg(f.attributes, "fields");
        if (!fields.length) continue;
        relations += 1;
        const onDelete = /onDelete:\s*(\w+)/.exec(f.attributes)?.[1] ?? (f.optional ? "SetNull" : "Restrict");
        const code = { Cascade: "c", SetNull: "n", Restrict: "r", NoAction: "a", SetDefault: "d" }[onDelete];
        const fk = rows.find((r) => unquote(r.table) === model.name && r.cols === fields.join(","));
        expect(fk, `${model.name}.${f.name}`).toBeTruthy();
        expect(unquote(fk!.ref), `${model.name}.${f.name} →`).toBe(f.type);
        expect(fk!.del, `${model.name}.${f.name} onDelete`).toBe(code);
      }
    }
    expect(rows.length).toBe(relations);
  });

  it("writes and reads back every field of every model", async () => {
    const prisma = db.prisma as unknown as Record<string, { create(a: unknown): Promise<Record<string, unknown>>; update(a: unknown): Promise<unknown>; findUniqueOrThrow(a: unknown): Promise<Record<string, unknown>> }>;
    const byName = new Map(schema.models.map((m) => [m.name, m]));
    const created = new Map<string, Record<string, unknown>>();
    const deferred: { model: TModelOutline; field: string; target: string; targetKey: string }[] = [];
    const fkTargets = (model: TModelOutline) => {
      const map = new Map<string, { target: string; ref: string }>();
      for (const f of model.fields) {
        const fields = listArg(f.attributes, "fields");
        const refs = listArg(f.attributes, "references");
        fields.forEach((fk, i) => map.set(fk, { target: f.type, ref: refs[i]! }));
      }
      return map;
    };
    const valueFor = (model: TModelOutline, f: TModelOutline["fields"][number]): unknown => {
      if (f.list) return ["first", "second"];
      if (f.type in schema.enums) return schema.enums[f.type]!.at(-1);
      switch (f.type) {
        case "String":
          return `${model.name}.${f.name}.value`;
        case "Int":
          return 7;
        case "BigInt":
          return 7n;
        case "Boolean":
          return !/@default\(true\)/.test(f.attributes);
        case "DateTime":
          return new Date("2026-01-02T03:04:05.678Z");
        case "Json":
          return { nested: { list: [1, "two", true] } };
      }
      throw new Error(`no test value for ${f.type}`);
    };
    // Create models whose required foreign keys are satisfied; defer optional ones that are not yet.
    const pending = [...schema.models];
    while (pending.length) {
      const before = pending.length;
      for (const model of [...pending]) {
        const fks = fkTargets(model);
        const requiredMissing = [...fks].some(([fk, t]) => {
          const field = model.fields.find((f) => f.name === fk)!;
          return !field.optional && !created.has(t.target);
        });
        if (requiredMissing) continue;
        const data: Record<string, unknown> = {};
        for (const f of model.fields.filter((x) => isColumn(x, schema))) {
          if (/@updatedAt|autoincrement\(\)/.test(f.attributes)) continue;
          const fk = fks.get(f.name);
          if (fk) {
            const target = created.get(fk.target);
            if (target) data[f.name] = target[fk.ref];
            else {
              data[f.name] = null;
              deferred.push({ model, field: f.name, target: fk.target, targetKey: fk.ref });
            }
            continue;
          }
          data[f.name] = valueFor(model, f);
        }
        const key = model.name.charAt(0).toLowerCase() + model.name.slice(1);
        const row = await prisma[key]!.create({ data });
        created.set(model.name, { ...row, __data: data });
        pending.splice(pending.indexOf(model), 1);
      }
      expect(pending.length, `cannot order models: ${pending.map((m) => m.name).join(", ")}`).toBeLessThan(before);
    }
    for (const d of deferred) {
      const key = d.model.name.charAt(0).toLowerCase() + d.model.name.slice(1);
      const row = created.get(d.model.name)!;
      const value = created.get(d.target)![d.targetKey];
      const where = uniqueWhere(d.model, row);
      await prisma[key]!.update({ where, data: { [d.field]: value } });
      (row.__data as Record<string, unknown>)[d.field] = value;
    }
    for (const model of schema.models) {
      const key = model.name.charAt(0).toLowerCase() + model.name.slice(1);
      const row = created.get(model.name)!;
      const readBack = await prisma[key]!.findUniqueOrThrow({ where: uniqueWhere(model, row) });
      for (const [field, value] of Object.entries(row.__data as Record<string, unknown>)) {
        expect(readBack[field], `${model.name}.${field}`).toEqual(value);
      }
      expect(byName.get(model.name)).toBeTruthy();
    }
  });
});

function uniqueWhere(model: TModelOutline, row: Record<string, unknown>): Record<string, unknown> {
  const idField = model.fields.find((f) => /@id\b/.test(f.attributes));
  if (idField) return { [idField.name]: row[idField.name] };
  const compound = model.blockAttributes.find((a) => a.startsWith("@@id"))!;
  const cols = listArg(compound);
  return { [cols.join("_")]: Object.fromEntries(cols.map((c) => [c, row[c]])) };
}
