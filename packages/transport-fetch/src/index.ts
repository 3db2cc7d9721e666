export type { FetchTransportOptions } from "./fetch-transport.js";
export { createFetchTransport } from "./fetch-transport.js";
