import { constants } from "node:buffer";
import { inspect } from "node:util";
import { ConfigError } from "@b24im/core";
import { Agent } from "undici";
import { describe, expect, it } from "vitest";
import { createNodeTransport } from "./node-transport.js";
import { checkNodeTransportOptions } from "./transport-options.js";

describe("createNodeTransport options", () => {
  it.each([
    [null, "options"],
    [{ connections: "10" }, "connections"],
    [{ connections: 0 }, "connections"],
    [{ keepAliveTimeoutMs: -1 }, "keepAliveTimeoutMs"],
    [{ connectTimeoutMs: 1.5 }, "connectTimeoutMs"],
    [{ headersTimeoutMs: "x" }, "headersTimeoutMs"],
    [{ bodyTimeoutMs: Number.POSITIVE_INFINITY }, "bodyTimeoutMs"],
    [{ ca: 5 }, "ca"],
    [{ ca: [] }, "ca"],
    [{ rejectUnauthorized: "no" }, "rejectUnauthorized"],
    [{ proxy: 5 }, "proxy"],
    [{ proxy: "socks5://127.0.0.1:1080" }, "proxy"],
    [{ dispatcher: {} }, "dispatcher"],
    [{ maxResponseBytes: 0 }, "maxResponseBytes"],
    [{ maxResponseBytes: 1.5 }, "maxResponseBytes"],
    [{ maxResponseBytes: "64MB" }, "maxResponseBytes"],
    [{ maxResponseBytes: constants.MAX_STRING_LENGTH + 1 }, "maxResponseBytes"],
  ])("refuses %j when made, naming %s", (options, option) => {
    expect(() => createNodeTransport(options as never)).toThrow(
      expect.objectContaining({ option, code: "CONFIG_INVALID" }),
    );
  });

  it("says what maxResponseBytes takes", () => {
    expect(() => createNodeTransport({ maxResponseBytes: -1 })).toThrow(
      `createNodeTransport: maxResponseBytes must be an integer number of bytes from 1 to ${constants.MAX_STRING_LENGTH}`,
    );
  });

  it("never shows a proxy URL it refuses: it may hold a password", () => {
    let error: unknown;
    try {
      createNodeTransport({ proxy: "http://user:s3cretPassw0rd@proxy:port/" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(`${String(error)} ${inspect(error, { showHidden: true })}`).not.toContain(
      "s3cretPassw0rd",
    );
  });

  it("accepts every documented form", () => {
    const options = {
      connections: 4,
      keepAliveTimeoutMs: 4000,
      ca: ["-----BEGIN CERTIFICATE-----", Buffer.from("x")],
      rejectUnauthorized: true,
      proxy: "http://user:pass@proxy.corp:3128",
      connectTimeoutMs: 0,
      headersTimeoutMs: 1000,
      bodyTimeoutMs: 1000,
      maxResponseBytes: constants.MAX_STRING_LENGTH,
    };
    expect(checkNodeTransportOptions(options)).toBe(options);
    expect(checkNodeTransportOptions({ proxy: "env" })).toEqual({ proxy: "env" });
    const dispatcher = new Agent();
    expect(checkNodeTransportOptions({ dispatcher }).dispatcher).toBe(dispatcher);
    void dispatcher.close();
  });
});
