export type { NodeTransportOptions } from "./node-transport.js";
export { createNodeTransport } from "./node-transport.js";
