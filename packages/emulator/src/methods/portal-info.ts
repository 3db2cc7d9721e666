import { wrongAuthError } from "../rest-error.js";
import { portalDate } from "../time-envelope.js";
import type { RestMethod } from "./rest-method.js";

/**
 * `server.time`: the portal's current time, e.g. `"2026-11-25T14:05:00+00:00"`.
 *
 * @example
 * ```ts
 * // GET /rest/1/<code>/server.time → {"result":"2026-11-25T14:05:00+00:00",…}
 * ```
 */
export const serverTime: RestMethod = {
  name: "server.time",
  handle: (_params, { now }) => portalDate(now()),
};

/**
 * `profile`: the caller's basic profile.
 *
 * @example
 * ```ts
 * // → {"result":{"ID":"1","ADMIN":true,"NAME":"Anna","LAST_NAME":"Admin",…}}
 * ```
 */
export const profile: RestMethod = {
  name: "profile",
  handle(_params, { caller, portal }) {
    const user = portal.users.get(caller.userId);
    if (user === undefined) throw wrongAuthError();
    return {
      ID: String(user.id),
      ADMIN: user.admin === true,
      NAME: user.name,
      LAST_NAME: user.lastName ?? "",
      PERSONAL_GENDER: "",
      PERSONAL_PHOTO: "",
      TIME_ZONE: "",
      TIME_ZONE_OFFSET: 0,
    };
  },
};

/**
 * `im.revision.get`: fixed API revisions of the `im` module.
 *
 * @example
 * ```ts
 * // → {"result":{"rest":27,"web":163,"mobile":24}}
 * ```
 */
export const imRevisionGet: RestMethod = {
  name: "im.revision.get",
  upperCaseKeys: true,
  handle: () => ({ rest: 27, web: 163, mobile: 24 }),
};
