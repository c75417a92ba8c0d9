import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time a process has used so far (user + system, seconds), from /proc/<pid>/stat; undefined off Linux or once
 * the process is gone. Fields 14 and 15 (utime, stime) count clock ticks of 1/100 s on Linux (USER_HZ).
 */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** This process's own CPU time so far (user + system, seconds). */
export const ownCpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** The Temporal dev server listening on `address` (`host:port`): its pid, found by its command line. */
export function devServerPid(address: string): number | undefined {
  const port = address.split(':').pop();
  for (const entry of safeReaddir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv.includes('start-dev') && argv.includes('--port') && argv[argv.indexOf('--port') + 1] === port)
        return Number(entry);
    } catch {
      /* gone meanwhile */
    }
  }
  return undefined;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
