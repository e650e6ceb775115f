/** CPU seconds per thread of a running process, read from /proc (Linux), to say where a run's CPU went. */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of utime/stime in /proc/<pid>/task/<tid>/stat: 100 on every Linux we run. */
const TICKS = 100;

export type ThreadCpu = Map<number, number>;

/** Each thread's user+system CPU seconds so far (an empty map off Linux or once the process is gone). */
export function threadCpu(pid: number | undefined): ThreadCpu {
  const out: ThreadCpu = new Map();
  if (pid === undefined) return out;
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      // The command name may hold spaces or parentheses: the fields start after its closing one.
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(tid), (Number(fields[11]) + Number(fields[12])) / TICKS);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

/**
 * CPU seconds between two readings: `main` (the thread whose id is the process's), the other threads
 * above 0.05 s largest first (Node names no thread, so they are told apart by size only), and the total.
 */
export function cpuBetween(pid: number | undefined, before: ThreadCpu, after: ThreadCpu): { main: number; others: number[]; total: number } {
  let main = 0;
  let total = 0;
  const others: number[] = [];
  for (const [tid, s] of after) {
    const used = s - (before.get(tid) ?? 0);
    total += used;
    if (tid === pid) main = used;
    else if (used >= 0.05) others.push(used);
  }
  const r = (x: number) => Math.round(x * 100) / 100;
  return { main: r(main), others: others.sort((a, b) => b - a).map(r), total: r(total) };
}
