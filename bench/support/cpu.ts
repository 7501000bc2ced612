// Where the machine's CPU went during a load: this process (the servers under test), the load
// generator (its child process reports its own), and every PostgreSQL process of this machine,
// read from /proc. On a machine whose cores all three share, their sum per request says how many
// requests per second the cores can serve at all.
import fs from 'node:fs';
import os from 'node:os';

// /proc/<pid>/stat counts in clock ticks; Linux reports them at 100 per second (USER_HZ).
const TICK_MICROS = 10_000;

/** utime + stime of one process in µs, or 0 when it is gone. */
function procMicros(pid: string): number {
  try {
    // The command name (field 2) may hold spaces: count the fields after its closing parenthesis.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MICROS;
  } catch {
    return 0;
  }
}

/** CPU µs used so far by each PostgreSQL process of this machine (by pid). */
function postgresMicros(): Map<string, number> {
  const byPid = new Map<string, number>();
  if (!fs.existsSync('/proc')) return byPid;
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') byPid.set(pid, procMicros(pid));
    } catch {
      // The process ended while we looked.
    }
  }
  return byPid;
}

/** The busy and total CPU µs of the whole machine so far. */
function machineMicros(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const cpu of os.cpus()) {
    const { user, nice, sys, irq, idle } = cpu.times;
    busy += (user + nice + sys + irq) * 1000;
    total += (user + nice + sys + irq + idle) * 1000;
  }
  return { busy, total };
}

export type CpuSplit = {
  /** This process: the servers under test. */
  serverMicros: number;
  postgresMicros: number;
  loadMicros: number;
  /** The share of all cores that was busy (any process). */
  machineBusy: number;
};

/**
 * Runs a load and splits the CPU it took. run resolves with the load generator's own CPU µs.
 * PostgreSQL processes that started during the load count from zero; ones that ended are lost.
 */
export async function cpuDuring<T>(
  run: () => Promise<{ value: T; loadMicros: number }>,
): Promise<{ value: T; cpu: CpuSplit }> {
  const pgBefore = postgresMicros();
  const machineBefore = machineMicros();
  const serverBefore = process.cpuUsage();
  const { value, loadMicros } = await run();
  const server = process.cpuUsage(serverBefore);
  const machineAfter = machineMicros();
  let pg = 0;
  for (const [pid, micros] of postgresMicros()) pg += micros - (pgBefore.get(pid) ?? 0);
  return {
    value,
    cpu: {
      serverMicros: server.user + server.system,
      postgresMicros: pg,
      loadMicros,
      machineBusy: (machineAfter.busy - machineBefore.busy) / Math.max(1, machineAfter.total - machineBefore.total),
    },
  };
}
