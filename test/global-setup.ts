// Runs once before the Node tests: says which suites this machine cannot run, and why, so a
// skipped test is never silent.
import { redisServerMissing } from "../packages/limiter-redis/src/testing/redis-server.test-helpers.js";

export default function setup(): void {
  if (redisServerMissing) {
    console.warn(
      `\n⚠ Skipping the suites that need a real Redis (@b24im/limiter-redis, its README example): ${redisServerMissing}. .ci/run installs it and runs them all.\n`,
    );
  }
}
