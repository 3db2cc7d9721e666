import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mentionsBot } from "./mentions.js";

const bot = { id: 100, name: "Demo Bot" };

describe("mentionsBot", () => {
  it.each([
    ["[USER=100]Demo Bot[/USER] what time is it?", true],
    ["[user=100]anyone[/user]", true],
    ["ask [USER=1001]Other[/USER]", false],
    ["@Demo Bot what time is it?", true],
    ["hey @demo bot, hi", true],
    ["hey @Demo Bot", true],
    ["@Demo Botanist", false],
    ["Demo Bot without the at", false],
    ["email@Demo Bot.com", false],
  ])("%j → %s", (text, expected) => {
    expect(mentionsBot(text, bot)).toBe(expected);
  });

  it("takes linear time on hostile text", () => {
    fc.assert(
      fc.property(fc.integer({ min: 10_000, max: 50_000 }), (n) => {
        const started = performance.now();
        mentionsBot("@Demo Bo".repeat(n), bot);
        mentionsBot("[USER=1".repeat(n), bot);
        expect(performance.now() - started).toBeLessThan(2_000);
      }),
      { numRuns: 5 },
    );
  });
});
