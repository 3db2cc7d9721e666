import { packageBuild } from "../../tsup.base";

export default packageBuild({ entry: ["src/cli.ts"], format: ["esm"], dts: false });
