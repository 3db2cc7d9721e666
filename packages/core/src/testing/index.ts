export { createFakeClock, type FakeClock, type FakeClockOptions } from "./fake-clock.js";
export {
  createFakeTransport,
  errorResponse,
  type FakeExchange,
  type FakeResponder,
  type FakeTransport,
  type FakeTransportOptions,
  jsonResponse,
} from "./fake-transport.js";
