import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sameSecret } from "./same-secret.js";

describe("sameSecret", () => {
  it("is true only for the very same token", () => {
    expect(sameSecret("abc123", "abc123")).toBe(true);
    for (const other of ["", "abc12", "abc1234", "abc124", "ABC123", "abc123abc123"]) {
      expect(sameSecret(other, "abc123")).toBe(false);
    }
    expect(sameSecret("", "")).toBe(false);
  });

  it("agrees with === for any two strings (an empty expected token matches nothing)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.string({ unit: "grapheme" }), (a, b) => {
        expect(sameSecret(a, b)).toBe(a === b && b !== "");
        expect(sameSecret(b, b)).toBe(b !== "");
      }),
      { numRuns: 1000 },
    );
  });
});
