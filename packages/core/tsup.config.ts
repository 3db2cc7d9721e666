import { packageBuild } from "../../tsup.base";

// Two entries, one copy of each module: shared code goes into chunks in both formats, so an
// error thrown by the fakes of `@b24im/core/testing` is an instance of the main entry's class.
export default packageBuild({
  entry: { index: "src/index.ts", "testing/index": "src/testing/index.ts" },
  splitting: true,
});
