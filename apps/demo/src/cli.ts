import { HELP, parseArgs, USAGE, UsageError } from "./args.js";
import { describeError } from "./describe-error.js";
import { runEmbeddedScene } from "./embedded-scene.js";
import { runPortalBot } from "./portal-bot.js";
import { runRealPortal } from "./real-portal.js";

/**
 * The demo's command line: parses the arguments, runs the scene, the bot or the typing mode,
 * and turns Ctrl-C into a clean stop (a second Ctrl-C quits at once). It sets the exit code
 * and lets Node exit by itself, so an open handle would show as a hang in the tests.
 */
async function main(argv: readonly string[]): Promise<number> {
  let command: ReturnType<typeof parseArgs>;
  try {
    command = parseArgs(argv, process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`b24im demo: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (command.kind === "help") {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }

  const interrupt = new AbortController();
  const onSigint = (): void => {
    if (interrupt.signal.aborted) {
      if (process.stdout.isTTY) process.stdout.write("\x1b[?25h"); // the live view hid the cursor
      process.exit(130);
    }
    interrupt.abort(new Error("interrupted by Ctrl-C"));
  };
  process.on("SIGINT", onSigint);
  const { signal } = interrupt;
  try {
    switch (command.kind) {
      case "scene":
        return await runEmbeddedScene({
          out: process.stdout,
          keepOpen: command.keepOpen,
          signal,
          ...(command.reportJson === undefined ? {} : { reportJson: command.reportJson }),
        });
      case "bot":
        return await runPortalBot({ command, out: process.stdout, signal });
      case "portal":
        return await runRealPortal({ command, out: process.stdout, signal });
    }
  } finally {
    process.off("SIGINT", onSigint);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`b24im demo failed: ${describeError(error)}\n`);
    process.exitCode = 1;
  },
);
