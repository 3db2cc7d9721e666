import { packageBuild } from "../../tsup.base";

// `@b24im/bot/node` is its own entry: the main one stays free of anything Node-specific.
export default packageBuild({
  entry: { index: "src/index.ts", "node/index": "src/node/index.ts" },
  splitting: true,
});
