import { inspect } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { thrown } from "../testing/thrown.js";
import { batchCall, parseBatchResult } from "./batch.js";
import { buildRequest } from "./build-request.js";
import { parseDialogId, toDialogId } from "./dialog-id.js";
import {
  AccessError,
  ApiError,
  AuthError,
  B24Error,
  ConfigError,
  DialogIdError,
  MethodNotFoundError,
  PortalMovedError,
  ProtocolError,
  RateLimitError,
  ServerError,
  TimeoutError,
  TransportError,
  ValidationError,
} from "./errors.js";
import type { HttpRequest } from "./http.js";
import { imbotV2InputActionNotify, imDialogWriting } from "./methods.js";
import { parseResponse } from "./parse-response.js";
import {
  isSecretName,
  REDACTED,
  redactHeaders,
  redactParams,
  redactRequest,
  redactResponse,
  redactText,
  secretsOf,
  secretsOfParams,
} from "./redact.js";
import { oauthTarget } from "./target.js";
import { parseWebhookUrl } from "./webhook-url.js";

// One distinct secret per place a secret can sit.
const CODE = "whk1c0de1111aaaa";
const ACCESS = "acc-t0ken-2222bbbb";
const REFRESH = "ref-t0ken-3333cccc";
const CLIENT_SECRET = "cli-s3cret-4444dddd";
const BOT_TOKEN = "bot-t0ken-5555eeee";
const HEADER = "hdr-t0ken-6666ffff";
const ALL = [CODE, ACCESS, REFRESH, CLIENT_SECRET, BOT_TOKEN, HEADER];
// Fragments that would show a secret was only partly removed.
const FRAGMENTS = ["whk1c0de", "2222bbbb", "3333cccc", "4444dddd", "5555eeee", "6666ffff"];

const WEBHOOK_URL = `https://x.bitrix24.ru/rest/1/${CODE}/`;
const webhook = parseWebhookUrl(WEBHOOK_URL);
const oauth = oauthTarget("https://x.bitrix24.ru/rest/", ACCESS);

// Everything a server, proxy or socket error might echo back.
const LEAKY = [
  `POST https://x.bitrix24.ru/rest/1/${CODE}/im.dialog.writing failed`,
  `json: "https:\\/\\/x.bitrix24.ru\\/rest\\/1\\/${CODE}\\/profile"`,
  `GET https://oauth.bitrix.info/oauth/token/?grant_type=refresh_token&client_id=app.1&client_secret=${CLIENT_SECRET}&refresh_token=${REFRESH}`,
  `body {"auth":"${ACCESS}","botToken":"${BOT_TOKEN}","DIALOG_ID":"chat5"}`,
  `cmd imbot.v2.Chat.InputAction.notify?botId=1&botToken=${BOT_TOKEN}`,
  `Authorization: Bearer ${HEADER}`,
  `token ${ACCESS} / ${encodeURIComponent(ACCESS)}`,
].join("\n");

const botCall = imbotV2InputActionNotify({ dialogId: "chat5", botId: 1, botToken: BOT_TOKEN });
// What the client knows and passes: the webhook code, the OAuth tokens and the app secret.
const KNOWN = [CODE, ACCESS, REFRESH, CLIENT_SECRET, HEADER];

const envelope = (status: number, error: string) => ({
  status,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ error, error_description: LEAKY }),
});

const transportRequest: HttpRequest = {
  ...buildRequest(botCall, oauth),
  headers: { ...buildRequest(botCall, oauth).headers, authorization: `Bearer ${HEADER}` },
};
const webhookRequest = buildRequest(imDialogWriting("chat5"), webhook);
const socketError = () => {
  const root = Object.assign(new Error(`TLS failure ${LEAKY}`), {
    code: "ERR_TLS",
    request: transportRequest,
  });
  const middle = new Error(`fetch failed for ${webhookRequest.url}`, { cause: root });
  return Object.assign(
    new TypeError(`request to ${transportRequest.url} with ${transportRequest.body}`, {
      cause: middle,
    }),
    {
      headers: transportRequest.headers,
    },
  );
};

const ERRORS: ReadonlyArray<
  readonly [string, () => B24Error, abstract new (...args: never[]) => B24Error]
> = [
  [
    "AuthError from parseResponse",
    () =>
      thrown(B24Error, () =>
        parseResponse(botCall, envelope(401, "expired_token"), { secrets: KNOWN }),
      ),
    AuthError,
  ],
  [
    "AccessError from parseResponse",
    () =>
      thrown(B24Error, () =>
        parseResponse(botCall, envelope(403, "ACCESS_ERROR"), { secrets: KNOWN }),
      ),
    AccessError,
  ],
  [
    "ValidationError from parseResponse",
    () =>
      thrown(B24Error, () =>
        parseResponse(botCall, envelope(400, "BOT_NOT_FOUND"), { secrets: KNOWN }),
      ),
    ValidationError,
  ],
  [
    "RateLimitError from parseResponse",
    () =>
      thrown(B24Error, () =>
        parseResponse(botCall, envelope(503, "QUERY_LIMIT_EXCEEDED"), { secrets: KNOWN }),
      ),
    RateLimitError,
  ],
  [
    "MethodNotFoundError from parseResponse",
    () =>
      thrown(B24Error, () =>
        parseResponse(botCall, envelope(404, "ERROR_METHOD_NOT_FOUND"), { secrets: KNOWN }),
      ),
    MethodNotFoundError,
  ],
  [
    "ServerError from parseResponse",
    () =>
      thrown(B24Error, () =>
        parseResponse(botCall, envelope(500, "INTERNAL_SERVER_ERROR"), { secrets: KNOWN }),
      ),
    ServerError,
  ],
  [
    "ApiError from parseResponse",
    () =>
      thrown(B24Error, () =>
        parseResponse(botCall, envelope(400, "SOMETHING_NEW"), { secrets: KNOWN }),
      ),
    ApiError,
  ],
  [
    "ApiError from a batch command",
    () => {
      const calls = [["x", botCall]] as const;
      batchCall(calls, true);
      const [outcome] = parseBatchResult(
        calls,
        { result_error: { x: { error: "BOT_OWNERSHIP_ERROR", error_description: LEAKY } } },
        { secrets: KNOWN },
      );
      return (outcome as { reason: ApiError }).reason;
    },
    AccessError,
  ],
  [
    "ProtocolError (HTML 502) from parseResponse",
    () =>
      thrown(B24Error, () =>
        parseResponse(
          botCall,
          { status: 502, headers: {}, body: `<html><pre>${LEAKY}</pre></html>` },
          { secrets: KNOWN },
        ),
      ),
    ProtocolError,
  ],
  [
    "ProtocolError (cut JSON) from parseResponse, no secrets known",
    () =>
      thrown(B24Error, () =>
        parseResponse(imDialogWriting(1), {
          status: 200,
          headers: {},
          body: `{"result":{"auth":"${ACCESS}`,
        }),
      ),
    ProtocolError,
  ],
  [
    "PortalMovedError from parseResponse",
    () =>
      thrown(B24Error, () =>
        parseResponse(
          botCall,
          {
            status: 302,
            headers: {
              location: `https://new.bitrix24.ru/rest/1/${CODE}/x?auth=${ACCESS}&refresh_token=${REFRESH}`,
            },
            body: LEAKY,
          },
          { secrets: KNOWN },
        ),
      ),
    PortalMovedError,
  ],
  [
    "PortalMovedError from parseResponse, no secrets known",
    () =>
      thrown(B24Error, () =>
        parseResponse(imDialogWriting(1), {
          status: 301,
          headers: { location: `https://new.bitrix24.ru/rest/1/${CODE}/` },
          body: "",
        }),
      ),
    PortalMovedError,
  ],
  [
    "TransportError with nested causes",
    () =>
      new TransportError(`socket hang up: ${LEAKY}`, {
        cause: socketError(),
        secrets: secretsOf(transportRequest).concat(secretsOf(webhookRequest)),
      }),
    TransportError,
  ],
  [
    "TimeoutError with a cause",
    () =>
      new TimeoutError(30_000, {
        cause: socketError(),
        secrets: [...secretsOf(transportRequest), ...secretsOf(webhookRequest)],
      }),
    TimeoutError,
  ],
  [
    "ConfigError from parseWebhookUrl (http)",
    () => thrown(B24Error, () => parseWebhookUrl(`http://x.bitrix24.ru/rest/1/${CODE}/`)),
    ConfigError,
  ],
  [
    "ConfigError from parseWebhookUrl (bad user id)",
    () => thrown(B24Error, () => parseWebhookUrl(`https://x.bitrix24.ru/rest/me/${CODE}/`)),
    ConfigError,
  ],
  [
    "ConfigError from parseWebhookUrl (query)",
    () => thrown(B24Error, () => parseWebhookUrl(`${WEBHOOK_URL}?auth=${ACCESS}`)),
    ConfigError,
  ],
  [
    "ConfigError from parseWebhookUrl (userinfo)",
    () =>
      thrown(B24Error, () => parseWebhookUrl(`https://u:${ACCESS}@x.bitrix24.ru/rest/1/${CODE}/`)),
    ConfigError,
  ],
  [
    "ConfigError from oauthTarget",
    () => thrown(B24Error, () => oauthTarget(`http://x.bitrix24.ru/rest/?auth=${ACCESS}`, ACCESS)),
    ConfigError,
  ],
  [
    "ConfigError from buildRequest with a cause",
    () => {
      const params: Record<string, unknown> = { botToken: BOT_TOKEN, n: 1n };
      return thrown(B24Error, () =>
        buildRequest({ method: "imbot.v2.Chat.InputAction.notify", params }, oauth),
      );
    },
    ConfigError,
  ],
  [
    "ConfigError with secrets and a cause",
    () =>
      new ConfigError("oauth", `refresh failed: ${LEAKY}`, {
        cause: socketError(),
        secrets: KNOWN,
      }),
    ConfigError,
  ],
  [
    "DialogIdError from parseDialogId (a pasted webhook URL)",
    () => thrown(B24Error, () => parseDialogId(WEBHOOK_URL)),
    DialogIdError,
  ],
  [
    "DialogIdError from parseDialogId (a pasted query)",
    () => thrown(B24Error, () => parseDialogId(`?auth=${ACCESS}&refresh_token=${REFRESH}`)),
    DialogIdError,
  ],
  [
    "DialogIdError from toDialogId (an object with a token)",
    () => thrown(B24Error, () => toDialogId({ kind: "chat", id: 0, auth: ACCESS } as never)),
    DialogIdError,
  ],
  [
    "B24Error with secrets and a cause",
    () => new B24Error(`failed: ${LEAKY}`, "X", false, { cause: socketError(), secrets: KNOWN }),
    B24Error,
  ],
];

describe("no secret leaves in any error", () => {
  it.each(ERRORS)("%s", (_label, make, errorClass) => {
    const error = make();
    expect(error).toBeInstanceOf(errorClass);
    const views = {
      message: error.message,
      stack: String(error.stack),
      string: String(error),
      json: JSON.stringify(error),
      inspect: inspect(error, { depth: 10 }),
      inspectHidden: inspect(error, { depth: 10, showHidden: true }),
      cause: inspect(error.cause, { depth: 10, showHidden: true }),
      fields: inspect({ ...error }, { depth: 10 }),
    };
    for (const [view, text] of Object.entries(views)) {
      for (const secret of [...ALL, ...FRAGMENTS]) {
        expect(text.includes(secret), `${view} shows ${secret}: ${text}`).toBe(false);
      }
    }
  });

  it("covers every error class", () => {
    const built = new Set(ERRORS.map(([, make]) => make().constructor));
    for (const errorClass of [
      B24Error,
      DialogIdError,
      ConfigError,
      ApiError,
      AuthError,
      AccessError,
      ValidationError,
      RateLimitError,
      MethodNotFoundError,
      ServerError,
      TransportError,
      TimeoutError,
      ProtocolError,
      PortalMovedError,
    ]) {
      expect(built.has(errorClass), errorClass.name).toBe(true);
    }
  });

  it("keeps the useful, non-secret parts", () => {
    const error = thrown(B24Error, () =>
      parseResponse(botCall, envelope(403, "ACCESS_ERROR"), { secrets: KNOWN }),
    ) as ApiError;
    expect(error.description).toContain(
      "https://x.bitrix24.ru/rest/1/[REDACTED]/im.dialog.writing failed",
    );
    expect(error.description).toContain('"DIALOG_ID":"chat5"');
    expect(error.description).toContain("Authorization: Bearer [REDACTED]");
  });
});

describe("redactText without known secrets", () => {
  it.each([
    [
      `https://x.bitrix24.ru/rest/1/${CODE}/im.dialog.writing`,
      `https://x.bitrix24.ru/rest/1/${REDACTED}/im.dialog.writing`,
    ],
    [`https://x.bitrix24.ru/rest/1/${CODE}`, `https://x.bitrix24.ru/rest/1/${REDACTED}`],
    [`"https:\\/\\/x\\/rest\\/12\\/${CODE}\\/m"`, `"https:\\/\\/x\\/rest\\/12\\/${REDACTED}\\/m"`],
    [`/rest/1/${CODE}?x=1`, `/rest/1/${REDACTED}?x=1`],
    [`?auth=${ACCESS}&DIALOG_ID=chat5`, `?auth=${REDACTED}&DIALOG_ID=chat5`],
    [`a=1&ACCESS_TOKEN=${ACCESS}`, `a=1&ACCESS_TOKEN=${REDACTED}`],
    [
      `&refresh_token=${REFRESH}&client_secret=${CLIENT_SECRET}`,
      `&refresh_token=${REDACTED}&client_secret=${REDACTED}`,
    ],
    [`m?botToken=${BOT_TOKEN}`, `m?botToken=${REDACTED}`],
    [`m?auth[token]=${ACCESS}`, `m?auth[token]=${REDACTED}`],
    [`m?auth%5Btoken%5D=${ACCESS}`, `m?auth%5Btoken%5D=${REDACTED}`],
    [`m?LIST[0][access_token]=${ACCESS}&x=1`, `m?LIST[0][access_token]=${REDACTED}&x=1`],
    [`m?F%5Ba%5D%5BbotToken%5D=${BOT_TOKEN}`, `m?F%5Ba%5D%5BbotToken%5D=${REDACTED}`],
    ["m?LIST[author]=Anna&FIELDS[authority]=x", "m?LIST[author]=Anna&FIELDS[authority]=x"],
    [`{"auth": "${ACCESS}", "n": 1}`, `{"auth": "${REDACTED}", "n": 1}`],
    [`{"Auth":"a\\"b${ACCESS}"}`, `{"Auth":"${REDACTED}"}`],
    [`{"refresh_token":"${REFRESH}`, `{"refresh_token":"${REDACTED}"`],
    [`Authorization: Bearer ${HEADER}`, `Authorization: Bearer ${REDACTED}`],
    [`Basic dXNlcjpwYXNz`, `Basic ${REDACTED}`],
    [
      "connect redis://app:pw-1@10.0.0.5:6379 failed",
      `connect redis://${REDACTED}@10.0.0.5:6379 failed`,
    ],
    ["proxy http://p%40ss@proxy.lan:3128", `proxy http://${REDACTED}@proxy.lan:3128`],
    ["nothing secret here: DIALOG_ID=chat5", "nothing secret here: DIALOG_ID=chat5"],
  ])("%s", (text, redacted) => {
    expect(redactText(text)).toBe(redacted);
  });
});

describe("redactText with known secrets", () => {
  it("removes them raw and URL-encoded, wherever they are", () => {
    const secret = "a b/c+d";
    expect(redactText(`x ${secret} y ${encodeURIComponent(secret)} z`, [secret])).toBe(
      `x ${REDACTED} y ${REDACTED} z`,
    );
  });

  it("ignores known secrets shorter than 4 characters", () => {
    expect(redactText("id 1 of 123", ["1", "12"])).toBe("id 1 of 123");
  });
});

describe("the other helpers", () => {
  it("isSecretName knows every secret name, in any case", () => {
    for (const name of [
      "auth",
      "AUTH",
      "access_token",
      "refresh_token",
      "client_secret",
      "botToken",
      "BOT_TOKEN",
      "Authorization",
      "cookie",
      "application_token",
    ]) {
      expect(isSecretName(name), name).toBe(true);
    }
    for (const name of ["DIALOG_ID", "botId", "author", "token_type", "client_id"]) {
      expect(isSecretName(name), name).toBe(false);
    }
  });

  it("redactHeaders and redactParams replace secret values only", () => {
    expect(
      redactHeaders({ Authorization: `Bearer ${HEADER}`, accept: "application/json" }),
    ).toEqual({
      Authorization: REDACTED,
      accept: "application/json",
    });
    expect(
      redactParams({ botId: 1, botToken: BOT_TOKEN, nested: [{ auth: ACCESS, x: 2 }] }),
    ).toEqual({
      botId: 1,
      botToken: REDACTED,
      nested: [{ auth: REDACTED, x: 2 }],
    });
  });

  it("secretsOf finds the webhook code, body secrets, query secrets and header credentials", () => {
    expect(secretsOf(buildRequest(imDialogWriting(1), webhook))).toEqual([CODE]);
    expect(secretsOf(buildRequest(botCall, oauth)).sort()).toEqual([ACCESS, BOT_TOKEN].sort());
    const refresh: HttpRequest = {
      method: "GET",
      url: `https://oauth.bitrix.info/oauth/token/?grant_type=refresh_token&client_id=app.1&client_secret=${CLIENT_SECRET}&refresh_token=${REFRESH}`,
      headers: { authorization: `Bearer ${HEADER}` },
    };
    expect(secretsOf(refresh)).toEqual([CLIENT_SECRET, REFRESH, `Bearer ${HEADER}`, HEADER]);
  });

  it("secretsOfParams finds secret values at any depth", () => {
    expect(secretsOfParams({ botToken: BOT_TOKEN, a: { b: [{ auth: ACCESS }] }, auth: 5 })).toEqual(
      [BOT_TOKEN, ACCESS],
    );
    expect(secretsOfParams(null)).toEqual([]);
  });

  it("secretsOfParams finds them inside a batch's cmd strings, so a batch-wide error hides them", () => {
    const token = "t0k3n/with+signs";
    const batch = batchCall(
      [["a", imbotV2InputActionNotify({ botId: 7, dialogId: "chat5", botToken: token })]],
      false,
    );
    expect(secretsOfParams(batch.params)).toEqual([token]);

    const echoed = thrown(ServerError, () =>
      parseResponse(batch, {
        status: 500,
        headers: {},
        body: JSON.stringify({ error: "ERROR_CORE", error_description: `bad token ${token}` }),
      }),
    );
    expect(JSON.stringify(echoed) + String(echoed)).not.toContain(token);
  });

  it("redactRequest shows URL, headers and body without secrets", () => {
    const view = redactRequest(transportRequest);
    const text = JSON.stringify(view) + JSON.stringify(redactRequest(webhookRequest));
    for (const secret of ALL) expect(text).not.toContain(secret);
    expect(view.url).toBe("https://x.bitrix24.ru/rest/imbot.v2.Chat.InputAction.notify");
    expect(redactRequest(webhookRequest).url).toBe(
      `https://x.bitrix24.ru/rest/1/${REDACTED}/im.dialog.writing`,
    );
  });
});

describe("targets keep their secrets out of sight", () => {
  it("webhook and OAuth targets serialise and inspect without them", () => {
    for (const target of [webhook, oauth]) {
      const text = `${JSON.stringify(target)} ${inspect(target, { depth: 10 })} ${String(Object.values(target))}`;
      for (const secret of ALL) expect(text).not.toContain(secret);
    }
  });
});

describe("redactResponse", () => {
  it("removes secrets from header values and the body, and drops credential headers", () => {
    const view = redactResponse(
      {
        status: 302,
        headers: {
          location: "https://y.bitrix24.ru/rest/1/code1234/profile",
          "set-cookie": "sid=abc",
        },
        body: '{"echo":"knownSecret99","access_token":"t0k3n0000"}',
      },
      ["knownSecret99"],
    );
    expect(view).toEqual({
      status: 302,
      headers: {
        location: "https://y.bitrix24.ru/rest/1/[REDACTED]/profile",
        "set-cookie": "[REDACTED]",
      },
      body: '{"echo":"[REDACTED]","access_token":"[REDACTED]"}',
    });
  });
});

describe("redactText: any text", () => {
  // Secrets start with a marker no surrounding text contains, so "not found" means removed.
  const secret = fc.stringMatching(/^zQ9[A-Za-z0-9._~+/=-]{5,37}$/);
  const code = fc.stringMatching(/^zQ9[a-z0-9]{5,21}$/);
  const name = fc.constantFrom(
    "auth",
    "ACCESS_TOKEN",
    "refresh_token",
    "client_secret",
    "botToken",
    "bot_token",
    "password",
  );
  // Each way a secret sits in text that b24im knows how to find without being told it.
  const placed = fc.oneof(
    code.map((s) => ({ text: `https://x.bitrix24.ru/rest/7/${s}/profile`, bare: s })),
    fc.tuple(name, secret).map(([n, s]) => ({
      text: `?a=1&${n}=${encodeURIComponent(s)}&b=2`,
      bare: encodeURIComponent(s),
    })),
    fc.tuple(name, secret).map(([n, s]) => ({
      text: `cmd?F[0][${n}]=${encodeURIComponent(s)}`,
      bare: encodeURIComponent(s),
    })),
    fc.tuple(name, secret).map(([n, s]) => ({ text: JSON.stringify({ x: 1, [n]: s }), bare: s })),
    secret.map((s) => ({ text: `Authorization: Bearer ${s}`, bare: s })),
  );
  const around = fc.string({ maxLength: 30 }).filter((t) => !t.includes("zQ9"));

  it("finds every secret in a form it knows, keeps the rest, and is idempotent", () => {
    fc.assert(
      fc.property(around, placed, around, (before, { text, bare }, after) => {
        const input = `${before} ${text} ${after}`;
        const once = redactText(input);
        expect(once).not.toContain(bare);
        expect(redactText(once)).toBe(once);
        expect(once.startsWith(`${before} `)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it("never throws, whatever the text and the known secrets", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary" }),
        fc.array(fc.string({ unit: "binary" })),
        (text, known) => {
          const out = redactText(text, known);
          for (const s of known) if (s.length >= 4) expect(out).not.toContain(s);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
