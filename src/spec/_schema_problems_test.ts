import t from "tap";
import { readdirSync, readFileSync } from "node:fs";
import { PATTERN_NAMES, schemaProblems, valueAt } from "./_schema_problems.ts";
import type { SchemaError } from "./_config_validator.generated.js";

const err = (e: Partial<SchemaError> & { keyword: string }): SchemaError => ({
  instancePath: "",
  schemaPath: "#",
  params: {},
  ...e,
});

t.test("every pattern in the runtime's schemas has a readable name", (t) => {
  const dir = new URL("../../schemas/", import.meta.url);
  const patterns = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        if (k === "pattern" && typeof x === "string") patterns.add(x);
        walk(x);
      }
    }
  };
  // The image schemas (image-*.json) belong to the snapshotter, which reports with its own messages.
  for (const f of readdirSync(dir)) if (f.endsWith(".json") && !f.startsWith("image-")) walk(JSON.parse(readFileSync(new URL(f, dir), "utf8")));
  t.ok(patterns.size >= 5);
  for (const p of patterns) t.type(PATTERN_NAMES[p], "function", p);
  t.end();
});

t.test("an unknown pattern still gets a message", (t) => {
  t.same(schemaProblems([err({ keyword: "pattern", instancePath: "/a", params: { pattern: "^x$" } })], { a: "y" }, { unknownProperties: "warn" }), [
    { pointer: "/a", message: '"y" does not match the pattern ^x$' },
  ]);
  t.end();
});

t.test("an anyOf of other branches reports the branch that got furthest", (t) => {
  const doc = { a: { b: "x" } };
  const errors = [
    err({ keyword: "type", instancePath: "/a", schemaPath: "#/anyOf/0/type", params: { type: "string" } }),
    err({ keyword: "enum", instancePath: "/a/b", schemaPath: "#/anyOf/1/properties/b/enum", params: { allowedValues: ["y", "z"] } }),
    err({ keyword: "anyOf", instancePath: "/a", schemaPath: "#/anyOf" }),
  ];
  t.same(schemaProblems(errors, doc, { unknownProperties: "warn" }), [{ pointer: "/a/b", message: '"x" is not one of y, z' }]);
  t.end();
});

t.test("if reports are dropped, duplicates merged", (t) => {
  const errors = [
    err({ keyword: "required", instancePath: "/d", params: { missingProperty: "major" } }),
    err({ keyword: "if", instancePath: "/d", params: { failingKeyword: "then" } }),
    err({ keyword: "required", instancePath: "/d", params: { missingProperty: "major" } }),
  ];
  t.same(schemaProblems(errors, {}, { unknownProperties: "warn" }), [{ pointer: "/d/major", message: "is required" }]);
  t.end();
});

t.test("unknown properties: warnings or errors as asked", (t) => {
  const e = [err({ keyword: "additionalProperties", instancePath: "/x", params: { additionalProperty: "a/b" } })];
  t.same(schemaProblems(e, {}, { unknownProperties: "warn" }), [{ pointer: "/x/a~1b", message: "unknown property, ignored", warning: true }]);
  t.same(schemaProblems(e, {}, { unknownProperties: "error" }), [{ pointer: "/x/a~1b", message: "unknown property: not defined by the spec" }]);
  t.end();
});

t.test("valueAt follows escaped pointers", (t) => {
  const doc = { "a/b": { "c~d": [10, 20] } };
  t.equal(valueAt(doc, "/a~1b/c~0d/1"), 20);
  t.equal(valueAt(doc, ""), doc);
  t.equal(valueAt(doc, "/nope/x"), undefined);
  t.end();
});
