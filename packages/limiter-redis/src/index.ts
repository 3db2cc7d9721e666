export type { IoredisLike, RedisClientLike, RedisLike } from "./adapters/index.js";
export { createRedisRateLimiter, type RedisRateLimiter } from "./create-limiter.js";
export { COORDINATOR_UNAVAILABLE, LIMITER_MAX_WAIT, LIMITER_UNAVAILABLE } from "./errors.js";
export type { RedisRateLimiterOptions } from "./options.js";
export {
  createRedisTypingCoordinator,
  type RedisTypingCoordinatorOptions,
} from "./typing/create-coordinator.js";
