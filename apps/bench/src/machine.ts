import os from "node:os";

/**
 * What the figures were measured on.
 *
 * @example
 * ```ts
 * const { cpu, cores, loadAverageAtStart }: MachineInfo = machineInfo();
 * ```
 */
export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  /** 1-minute load average when the run started: anything far above 0 means other work shared the CPU. */
  loadAverageAtStart: number;
}

/**
 * The CPU model, core count, memory, OS and Node version of this machine.
 *
 * @example
 * ```ts
 * machineInfo().cores; // 2
 * ```
 */
export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadAverageAtStart: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
  };
}
