import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** Who holds a lock file, precisely enough to tell whether that process still runs. */
export interface ProcessIdentity {
  pid: number;
  /** `os.hostname()`: pids mean something only on the machine that issued them. */
  host: string;
  /** Linux boot id: the same host name after a reboot is a new machine as far as pids go. */
  boot: string;
  /** Start time of the process (clock ticks since boot), which tells a reused pid from its owner. */
  started: string;
}

let self: ProcessIdentity | undefined;

/** This process's identity (computed once). */
export function currentProcess(): ProcessIdentity {
  self ??= {
    pid: process.pid,
    host: hostname(),
    boot: readText('/proc/sys/kernel/random/boot_id'),
    started: procStat(process.pid)?.started ?? '',
  };
  return self;
}

/**
 * Whether the process named by `who` still runs. `undefined` when this machine cannot tell (the
 * holder is on another host sharing the file): the caller falls back to the holder's lease.
 */
export function isProcessAlive(who: ProcessIdentity): boolean | undefined {
  const me = currentProcess();
  if (who.host !== me.host) return undefined;
  if (who.boot && me.boot && who.boot !== me.boot) return false;
  if (!pidExists(who.pid)) return false;
  const stat = procStat(who.pid);
  if (!stat) return true;
  // A zombie has finished (its parent has not reaped it yet); another start time is a reused pid.
  if (stat.state === 'Z' || stat.state === 'X') return false;
  return !who.started || stat.started === who.started;
}

/** Whether a pid in a temporary file's name belongs to a process that is gone (this machine). */
export function isPidGone(pid: number): boolean {
  if (!pidExists(pid)) return true;
  const state = procStat(pid)?.state;
  return state === 'Z' || state === 'X';
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** State and start time from `/proc/<pid>/stat` (Linux); `undefined` elsewhere. */
function procStat(pid: number): { state: string; started: string } | undefined {
  const text = readText(`/proc/${pid}/stat`);
  // The command name (field 2) may hold spaces and parentheses: fields are counted after its `)`.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  if (fields.length < 20) return undefined;
  return { state: fields[0], started: fields[19] };
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}
