/**
 * Where the CPU went during a run, from Linux's /proc: the load's own processes (the
 * device simulator, the servers, PostgreSQL's backends of the run's database) and the
 * machine as a whole, so that a run beside other work says how much of it was there.
 * Elsewhere every figure is null.
 */
import { readFileSync } from 'node:fs';

// Linux reports times in clock ticks of 1/100 s on every platform Node runs on.
const MS_PER_TICK = 10;

/** CPU time (user + system) a process has used so far, in ms; null when it is gone or there is no /proc. */
export function processCpuMs(pid: number): number | null {
  try {
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
  } catch {
    return null;
  }
}

/**
 * Connections the kernel refused since boot because a listening socket's accept queue was
 * full (TcpExt ListenOverflows): each costs a client a SYN retry, one second and then three.
 * Counted for the whole machine; null without /proc.
 */
export function listenOverflows(): number | null {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
    for (let i = 0; i + 1 < lines.length; i += 2) {
      const names = lines[i]!.split(' ');
      if (names[0] !== 'TcpExt:') continue;
      const value = lines[i + 1]!.split(' ')[names.indexOf('ListenOverflows')];
      return value === undefined ? null : Number(value);
    }
    return null;
  } catch {
    return null;
  }
}

/** CPU time every core of the machine has been busy so far, in ms; null without /proc. */
export function machineCpuMs(): number | null {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = ticks;
    return (user + nice + system + irq + softirq + steal) * MS_PER_TICK;
  } catch {
    return null;
  }
}
