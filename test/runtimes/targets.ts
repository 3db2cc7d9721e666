// Where the suite runs: each column of the report is one runtime in one configuration.
import type { RuntimeName } from "./binaries.ts";

export interface Target {
  /** The report's column. */
  label: string;
  runtime: RuntimeName;
  /** workerd only: Node.js compatibility on (the default at its date) or off. */
  nodeCompat?: boolean;
}

export const TARGETS: Target[] = [
  { label: "deno", runtime: "deno" },
  { label: "bun", runtime: "bun" },
  // A new Worker as `wrangler init` makes it today: Node.js compatibility is on by default.
  { label: "workerd", runtime: "workerd", nodeCompat: true },
  // The Web platform alone, as in a browser or an older Worker: this is where a Node-only
  // import or a `process` / `Buffer` global slipped into core or transport-fetch fails.
  { label: "workerd-no-node", runtime: "workerd", nodeCompat: false },
];
