export { createNodeTransport } from "./node-transport.js";
export type { NodeTransportOptions } from "./options.js";
