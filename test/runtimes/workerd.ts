// Runs the suite inside workerd: bundles worker-entry.ts with the built packages (as wrangler
// would), writes the config beside it, starts `workerd serve`, and asks the Worker to run the
// suite with one HTTP request.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { builtinModules, createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import type { Runtime } from "./binaries.ts";
import { startChild, stopChild } from "./children.ts";
import type { SuiteOutcome } from "./cli-suite.ts";
import type { CheckResult, SuiteInput } from "./protocol.ts";

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const require = createRequire(import.meta.url);

/** The Worker script: the suite and the packages it imports, resolved through their exports. */
async function bundle(outfile: string): Promise<void> {
  await build({
    entryPoints: [here("./worker-entry.ts")],
    outfile,
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    // Node's modules, with or without `node:` (tsup drops the prefix), are left for workerd to
    // refuse when it loads the Worker: the runtime, not the bundler, is what is being tested.
    external: ["node:*", ...builtinModules],
    logLevel: "silent",
  });
}

/** Turn Node.js compatibility off: a Worker with the Web platform's APIs alone. */
const WITHOUT_NODE = ["no_nodejs_compat", "no_nodejs_compat_v2"];

async function writeConfig(dir: string, nodeCompat: boolean): Promise<string> {
  const { compatibilityDate } = require("workerd") as { compatibilityDate: string };
  const flags = nodeCompat ? [] : WITHOUT_NODE;
  const template = await readFile(here("./workerd.capnp.template"), "utf8");
  const config = template
    .replaceAll("@COMPATIBILITY_DATE@", compatibilityDate)
    .replaceAll("@COMPATIBILITY_FLAGS@", flags.map((flag) => JSON.stringify(flag)).join(", "));
  const path = join(dir, "workerd.capnp");
  await writeFile(path, config);
  return path;
}

function parseControlEvent(
  line: string,
): { event?: string; socket?: string; port?: number } | undefined {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/** Starts workerd and resolves with the port it listens on, from its control channel. */
function serve(runtime: Runtime, config: string, startMs: number) {
  // fd 3 is the control channel: workerd writes {"event":"listen","port":…} there.
  const child = startChild(runtime.binary, ["serve", config, "--control-fd=3", "--verbose"], {
    stdio: ["ignore", "pipe", "pipe", "pipe"],
  });
  let logs = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    logs += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    logs += chunk;
  });
  const port = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`workerd did not listen within ${startMs / 1000} s`)),
      startMs,
    );
    let pending = "";
    const controlChannel = child.stdio[3] as NodeJS.ReadableStream;
    controlChannel.setEncoding("utf8");
    controlChannel.on("data", (chunk: string) => {
      // One JSON object a line; a chunk may end in the middle of one.
      const lines = (pending + chunk).split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        const event = parseControlEvent(line);
        if (event?.event === "listen" && event.socket === "http" && event.port) {
          clearTimeout(timer);
          resolve(event.port);
        }
      }
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // "close", not "exit": by then workerd's log, which says why, has been read to its end.
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`workerd exited with ${code ?? signal} before listening (see its log)`));
    });
  });
  return { child, port, logs: () => logs };
}

export async function runWorkerdSuite(
  runtime: Runtime,
  input: SuiteInput,
  timeoutMs: number,
  options: { nodeCompat: boolean; afterSuite?: (url: string) => Promise<CheckResult> },
): Promise<SuiteOutcome> {
  const dir = await mkdtemp(join(tmpdir(), "b24im-workerd-"));
  let server: ReturnType<typeof serve> | undefined;
  try {
    try {
      await bundle(join(dir, "suite-worker.js"));
    } catch (error) {
      return { results: [], problem: `bundling the suite for workerd failed: ${String(error)}` };
    }
    server = serve(runtime, await writeConfig(dir, options.nodeCompat), 20_000);
    const port = await server.port;
    const answer = await fetch(`http://127.0.0.1:${port}/`, {
      method: "POST",
      body: JSON.stringify(input),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await answer.text();
    if (answer.status !== 200) {
      return {
        results: [],
        problem: `the Worker answered ${answer.status}: ${body.slice(0, 500)}\n${tail(server.logs())}`,
      };
    }
    const results = JSON.parse(body) as CheckResult[];
    if (options.afterSuite) results.push(await options.afterSuite(`http://127.0.0.1:${port}/bot`));
    return { results };
  } catch (error) {
    const why =
      error instanceof Error && error.name === "TimeoutError"
        ? `the Worker did not answer within ${timeoutMs / 1000} s (killed)`
        : String(error);
    return { results: [], problem: `${why}\n${tail(server?.logs() ?? "")}`.trim() };
  } finally {
    if (server) stopChild(server.child);
    await rm(dir, { recursive: true, force: true });
  }
}

function tail(text: string): string {
  return text.trim().split("\n").slice(-20).join("\n");
}
