import { packageBuild } from "../../tsup.base";

// One entry per process the bench starts: the CLI, the emulator child and the workers.
export default packageBuild({
  entry: [
    "src/cli.ts",
    "src/emulator-child.ts",
    "src/call-speed-worker.ts",
    "src/lease-memory-worker.ts",
    "src/fleet-worker.ts",
  ],
  format: ["esm"],
  dts: false,
  // A root devDependency, resolved at run time from the workspace root.
  external: ["selfsigned"],
});
