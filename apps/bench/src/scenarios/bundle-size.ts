import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { type BundleSizeResult, judgeTarget } from "../results.js";

const TARGET_GZIP_BYTES = 6 * 1024;

/** Two apps that do the same thing: send "typing" once to chat 5 through a webhook. */
const APPS = [
  {
    name: "b24im (createClient + createFetchTransport + writing)",
    source: `
      import { createClient } from "@b24im/core";
      import { createFetchTransport } from "@b24im/transport-fetch";
      const client = createClient({ webhook: "https://example.bitrix24.com/rest/1/secret/", transport: createFetchTransport() });
      await client.writing("chat5");
    `,
  },
  {
    name: "@bitrix24/b24jssdk 2.2.0 (B24Hook + actions.v2.call)",
    source: `
      import { B24Hook } from "@bitrix24/b24jssdk";
      const b24 = B24Hook.fromWebhookUrl("https://example.bitrix24.com/rest/1/secret/");
      await b24.actions.v2.call.make({ method: "im.dialog.writing", params: { DIALOG_ID: "chat5" } });
    `,
  },
];

const BENCH_DIR = fileURLToPath(new URL("..", import.meta.url));
// core's dist is one file; bundling its sources instead shows which of its modules the bytes come from.
const CORE_SOURCES = fileURLToPath(new URL("../../../packages/core/src/index.ts", import.meta.url));

async function bundle(source: string, fromCoreSources = false) {
  const result = await build({
    stdin: {
      contents: source,
      // Resolve the packages exactly as this app's own imports do.
      resolveDir: BENCH_DIR,
      loader: "js",
    },
    ...(fromCoreSources ? { alias: { "@b24im/core": CORE_SOURCES } } : {}),
    metafile: true,
    bundle: true,
    minify: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    write: false,
    logLevel: "silent",
    define: { "process.env.NODE_ENV": '"production"' },
  });
  const file = result.outputFiles[0];
  if (file === undefined) throw new Error("esbuild produced no output");
  const inputs = Object.values(result.metafile.outputs)[0]?.inputs ?? {};
  const modules = Object.entries(inputs)
    .map(([path, input]) => ({
      module: path.replace(/^(\.\.\/)+/, ""),
      minifiedBytes: input.bytesInOutput,
    }))
    .sort((a, b) => b.minifiedBytes - a.minifiedBytes);
  return { contents: file.contents, modules };
}

/**
 * Figure 3: min + gzip size of a browser app that sends "typing" once, with b24im and with
 * the official SDK (esbuild, minified, platform browser, gzip level 9).
 *
 * @example
 * ```ts
 * const { apps } = await runBundleSize("pnpm bench --only=size");
 * ```
 */
export async function runBundleSize(command: string): Promise<BundleSizeResult> {
  const apps = [];
  for (const app of APPS) {
    const { contents } = await bundle(app.source);
    apps.push({
      name: app.name,
      minifiedBytes: contents.byteLength,
      gzipBytes: gzipSync(contents, { level: 9 }).byteLength,
    });
  }
  const ours = apps[0]?.gzipBytes ?? Number.POSITIVE_INFINITY;
  const b24imApp = APPS[0]?.source ?? "";
  const largestModules = existsSync(CORE_SOURCES)
    ? (await bundle(b24imApp, true)).modules.slice(0, 10)
    : [];
  return {
    command,
    apps,
    largestModules,
    target: judgeTarget("<=", TARGET_GZIP_BYTES, ours),
  };
}
