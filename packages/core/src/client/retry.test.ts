import { describe, expect, it } from "vitest";
import {
  AuthError,
  apiErrorFrom,
  ProtocolError,
  ServerError,
  TimeoutError,
  TransportError,
} from "../protocol/errors.js";
import { backoffDelay, isRetryable, retryPolicy } from "./retry.js";

const api = (code: string, status: number) =>
  apiErrorFrom({ code, status, method: "m", description: "" });

describe("retryPolicy", () => {
  it("defaults to 3 attempts in all, 500 ms base, 30 s cap; false means one attempt", () => {
    expect(retryPolicy()).toMatchObject({ attempts: 3, baseDelayMs: 500, maxDelayMs: 30_000 });
    expect(retryPolicy(false).attempts).toBe(1);
    expect(retryPolicy({ attempts: 5, baseDelayMs: undefined }).baseDelayMs).toBe(500);
  });
});

describe("isRetryable", () => {
  it("retries what can succeed later", () => {
    for (const error of [
      new TransportError("reset"),
      new TimeoutError(10),
      api("QUERY_LIMIT_EXCEEDED", 503),
      api("OPERATION_TIME_LIMIT", 429),
      api("INTERNAL_SERVER_ERROR", 500),
      api("SOMETHING_NEW", 502),
      new ProtocolError("html", 502, "<html>"),
    ]) {
      expect(isRetryable(error), error.code).toBe(true);
    }
  });

  it("never retries validation, access, auth, client errors or foreign values", () => {
    for (const error of [
      api("DIALOG_ID_EMPTY", 400),
      api("ACCESS_ERROR", 403),
      api("expired_token", 401),
      api("ERROR_METHOD_NOT_FOUND", 404),
      api("PORTAL_DELETED", 500),
      new ProtocolError("cut", 200, "{"),
    ]) {
      expect(isRetryable(error), error.code).toBe(false);
    }
    expect(api("expired_token", 401)).toBeInstanceOf(AuthError);
    expect(api("PORTAL_DELETED", 500)).toBeInstanceOf(ServerError);
    expect(isRetryable(new Error("x"))).toBe(false);
    expect(isRetryable("abort reason")).toBe(false);
  });
});

describe("backoffDelay", () => {
  it("draws uniformly below an exponential cap bounded by maxDelayMs (full jitter)", () => {
    const top = retryPolicy({ baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.999999 });
    expect([1, 2, 3, 4, 5, 10].map((n) => backoffDelay(top, n))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
    const bottom = retryPolicy({ random: () => 0 });
    expect(backoffDelay(bottom, 4)).toBe(0);
    const half = retryPolicy({ random: () => 0.5 });
    expect(backoffDelay(half, 2)).toBe(500);
  });
});
