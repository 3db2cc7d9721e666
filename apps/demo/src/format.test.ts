import { expect, it } from "vitest";
import { count, seconds, stamp } from "./format.js";

it("writes seconds with one decimal and counts in the right number", () => {
  expect(seconds(3240)).toBe("3.2 s");
  expect(seconds(-5)).toBe("0.0 s");
  expect(count(1, "refresh", "refreshes")).toBe("1 refresh");
  expect(count(0, "refresh", "refreshes")).toBe("0 refreshes");
  expect(count(2, "request")).toBe("2 requests");
  expect(stamp(3240)).toBe("[  3.2 s]");
  expect(stamp(123_400)).toBe("[123.4 s]");
});
