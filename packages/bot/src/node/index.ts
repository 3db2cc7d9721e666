export type { FetchHandler, NodeRequestLike, NodeResponseLike } from "./node-listener.js";
export { nodeListener } from "./node-listener.js";
