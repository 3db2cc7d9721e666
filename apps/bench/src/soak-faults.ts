import type { ScheduledFault } from "@b24im/emulator";

/**
 * The faults the chaos soak injects, by the name the report counts them under.
 *
 * @example
 * ```ts
 * await emulator.addFault(SOAK_FAULTS["503 burst"]);
 * ```
 */
export const SOAK_FAULTS = {
  reset: { kind: "reset" },
  hang: { kind: "hang" },
  "html 502": { kind: "html", status: 502 },
  "cut JSON": { kind: "cutJson" },
  "503 burst": { kind: "status", status: 503, error: "QUERY_LIMIT_EXCEEDED", times: 2 },
  "expired token": { kind: "expireToken" },
} as const satisfies Record<string, ScheduledFault>;

/**
 * One of {@link SOAK_FAULTS}' names.
 *
 * @example
 * ```ts
 * const name: SoakFault = nextFault();
 * await emulator.addFault(SOAK_FAULTS[name]);
 * ```
 */
export type SoakFault = keyof typeof SOAK_FAULTS;

/**
 * A seeded source of faults: the same seed gives the same sequence, so two runs meet the same
 * weather. (mulberry32: small, fast and well spread for this.)
 *
 * @example
 * ```ts
 * const next = faultSequence(42);
 * next(); // e.g. "hang"
 * ```
 */
export function faultSequence(seed: number): () => SoakFault {
  const names = Object.keys(SOAK_FAULTS) as SoakFault[];
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const random = ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    return names[Math.floor(random * names.length)] as SoakFault;
  };
}

/**
 * How many failed requests a fault makes: a burst fails as many as its `times`.
 *
 * @example
 * ```ts
 * failuresOf("503 burst"); // 2
 * ```
 */
export function failuresOf(name: SoakFault): number {
  const fault: ScheduledFault = SOAK_FAULTS[name];
  return fault.times ?? 1;
}
