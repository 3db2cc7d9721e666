// Where each runtime's binary is (inside its npm package, installed as a pinned devDependency)
// and which version it is. A binary that is missing or does not start is an error that says
// which one and why: the run fails, it never skips the runtime.
import { accessSync, constants, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { runChild } from "./children.ts";

export type RuntimeName = "deno" | "bun" | "workerd";

export interface Runtime {
  name: RuntimeName;
  binary: string;
  /** The npm package's version (what package.json pins). */
  packageVersion: string;
  /** What the binary itself says, first line of `--version`. */
  reportedVersion: string;
}

/** A runtime that cannot start on this machine. */
export class RuntimeUnavailable extends Error {}

const require = createRequire(import.meta.url);

function packageDir(name: RuntimeName): string {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    throw new RuntimeUnavailable(
      `the npm package "${name}" is not installed: run \`pnpm install\` (it is a devDependency of the root package.json)`,
    );
  }
}

/** The binary's path; the packages' install scripts put it there (listed under allowBuilds). */
function binaryOf(name: RuntimeName, dir: string): string {
  if (name === "deno") return join(dir, process.platform === "win32" ? "deno.exe" : "deno");
  // bun's package names its binary bun.exe on every platform.
  if (name === "bun") return join(dir, "bin", "bun.exe");
  try {
    // workerd's main module returns the binary of this platform's @cloudflare/workerd-* package.
    return (require("workerd") as { default: string }).default;
  } catch (error) {
    throw new RuntimeUnavailable(`workerd has no binary for this platform: ${String(error)}`);
  }
}

/** Finds the runtime's binary and asks it for its version; throws RuntimeUnavailable. */
export async function findRuntime(name: RuntimeName): Promise<Runtime> {
  const dir = packageDir(name);
  const packageVersion = (
    JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }
  ).version;
  const binary = binaryOf(name, dir);
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    throw new RuntimeUnavailable(
      `${name} ${packageVersion}: no executable at ${binary}. Its install script links it there: ` +
        `check that "${name}: true" is under allowBuilds in pnpm-workspace.yaml and run \`pnpm install\`.`,
    );
  }
  const answer = await runChild(binary, ["--version"], { timeoutMs: 20_000 });
  const firstLine = answer.stdout.trim().split("\n")[0] ?? "";
  if (answer.spawnError || answer.code !== 0 || firstLine === "") {
    const why = answer.spawnError
      ? String(answer.spawnError)
      : answer.timedOut
        ? "`--version` did not answer within 20 s"
        : `\`--version\` exited with ${answer.code ?? answer.signal}: ${answer.stderr.trim().slice(0, 500)}`;
    throw new RuntimeUnavailable(`${name} ${packageVersion} cannot start here (${binary}): ${why}`);
  }
  return { name, binary, packageVersion, reportedVersion: firstLine };
}
