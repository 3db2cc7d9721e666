// `instanceof` across the builds of @b24im/core a user's app can hold at once: the ESM build
// (import), the CommonJS build (require) and a second copy of the package elsewhere in the
// dependency tree. Each has classes of its own; an error made by one must still be an
// instance of the others' classes.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

type Core = typeof import("@b24im/core");

const require = createRequire(import.meta.url);
const copyDir = mkdtempSync(join(tmpdir(), "b24im-core-copy-"));
afterAll(() => rmSync(copyDir, { recursive: true, force: true }));

async function builds(): Promise<Array<[string, Core]>> {
  const esm = (await import("@b24im/core")) as Core;
  const cjs = require("@b24im/core") as Core;
  // A second copy, as npm leaves one when two packages depend on different versions.
  const dist = fileURLToPath(new URL("../packages/core/dist", import.meta.url));
  cpSync(dist, join(copyDir, "dist"), { recursive: true });
  writeFileSync(join(copyDir, "package.json"), JSON.stringify({ type: "module" }));
  const copy = (await import(pathToFileURL(join(copyDir, "dist/index.js")).href)) as Core;
  return [
    ["ESM", esm],
    ["CommonJS", cjs],
    ["a second copy", copy],
  ];
}

const accessError = (core: Core) =>
  core.apiErrorFrom({
    code: "ACCESS_ERROR",
    status: 403,
    method: "im.dialog.writing",
    description: "",
  });

describe("instanceof across builds and copies of @b24im/core", () => {
  it("holds for every pair of builds, up the hierarchy and not sideways", async () => {
    const all = await builds();
    expect(new Set(all.map(([, core]) => core.AccessError)).size).toBe(3);
    for (const [, maker] of all) {
      const error = accessError(maker);
      for (const [name, checker] of all) {
        expect(error, `${name}.AccessError`).toBeInstanceOf(checker.AccessError);
        expect(error instanceof checker.ApiError, `${name}.ApiError`).toBe(true);
        expect(error instanceof checker.B24Error, `${name}.B24Error`).toBe(true);
        expect(error instanceof checker.ValidationError, `${name}.ValidationError`).toBe(false);
        expect(error instanceof checker.TransportError, `${name}.TransportError`).toBe(false);
      }
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe("AccessError");
      expect(String(error)).toMatch(/^AccessError: ACCESS_ERROR/);
    }
  });

  it("holds for errors the packages throw themselves, e.g. a bad dialog id", async () => {
    const all = await builds();
    for (const [, thrower] of all) {
      const error = (() => {
        try {
          thrower.parseDialogId("crm5");
        } catch (thrown) {
          return thrown;
        }
      })();
      for (const [, checker] of all) {
        expect(error instanceof checker.DialogIdError).toBe(true);
        expect(error instanceof checker.ConfigError).toBe(false);
      }
    }
  });

  it("leaves a class of the user's own that extends one of them checking as usual", async () => {
    const [[, esm], [, cjs]] = (await builds()) as [[string, Core], [string, Core]];
    class RetryLater extends esm.ApiError {}
    const mine = new RetryLater({ code: "X", status: 500, method: "m", description: "" });
    expect(mine).toBeInstanceOf(RetryLater);
    expect(mine instanceof cjs.ApiError).toBe(true);
    expect(accessError(cjs) instanceof RetryLater).toBe(false);
    expect({ code: "ACCESS_ERROR" } instanceof cjs.AccessError).toBe(false);
    expect((null as unknown) instanceof cjs.B24Error).toBe(false);
  });
});
