import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_JSON_DEPTH, readParams } from "./request-params.js";

const nested = (depth: number) => `${"[".repeat(depth - 1)}1${"]".repeat(depth - 1)}`;

describe("readParams", () => {
  it("reads JSON as deep as PHP's json_decode does, and deeper as no parameters", () => {
    const ok = readParams("", `{"a":${nested(MAX_JSON_DEPTH - 1)}}`, "application/json");
    expect(ok).toHaveProperty("a");
    const tooDeep = readParams("q=1", `{"a":${nested(MAX_JSON_DEPTH + 1)}}`, "application/json");
    expect(tooDeep).toEqual({ q: "1" });
  });

  it("reads a million-deep JSON body quickly, as no parameters", () => {
    const started = performance.now();
    const body = `{"halt":${nested(1_000_000)}}`;
    expect(readParams("", body, "application/json")).toEqual({});
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it("never throws and always answers an object, whatever the body", () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        fc.constantFrom("application/json", "application/x-www-form-urlencoded", undefined),
        (query, body, type) => {
          const params = readParams(query, body, type);
          expect(typeof params).toBe("object");
        },
      ),
      { numRuns: 1_000 },
    );
  });
});
