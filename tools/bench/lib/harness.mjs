// What every fair benchmark here shares (issue #23, item 1): each server its own process, pinned to
// one core with taskset where it exists, the load generator another process pinned to the other core,
// server CPU time per request from /proc/<pid>/stat, medians of alternating rounds. Loopback only.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../lib/workspace.mjs';

const TICK_US = 1e6 / 100; // USER_HZ on Linux
const LOAD_SCRIPT = join(ROOT, 'tools/bench/lib/load.mjs');

export const TASKSET = spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0;
const CORES = availableParallelism();
/** Servers on the first core, the load generator on the last (the same core when there is one). */
export const SERVER_CPU = 0;
export const LOAD_CPU = CORES - 1;

function pinned(cpu, command, args) {
  return TASKSET ? ['taskset', ['-c', String(cpu), command, ...args]] : [command, args];
}

/** Starts `node <args>` as a server process on the servers' core; `stop()` ends it (and only it). */
export function startProcess(args, env, { cwd = ROOT, cpu = SERVER_CPU } = {}) {
  const [command, argv] = pinned(cpu, process.execPath, args);
  // taskset execs the command: the pid is the server's own.
  const child = spawn(command, argv, { cwd, env, stdio: ['ignore', 'ignore', 'inherit'] });
  return { child, pid: child.pid, stop: () => child.kill('SIGTERM') };
}

/** User + system CPU time of a process so far, in µs. */
export function cpuUs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_US;
}

export async function waitFor(url, headers = {}, tries = 600) {
  for (let i = 0; i < tries; i++) {
    try {
      if ((await fetch(url, { headers })).ok) return;
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer`);
}

/**
 * Load from its own process: `connections` connections cycling through `paths` for `durationS`.
 * With `pids`, also each server's CPU-µs per request over the run. Failed answers (non-2xx, errors)
 * end the benchmark unless `tolerateFailures` (then they are in the result).
 */
export async function load({ origin, paths, connections, durationS, headers, pids = [], tolerateFailures = false }) {
  const before = pids.map(cpuUs);
  const [command, argv] = pinned(LOAD_CPU, process.execPath, [
    LOAD_SCRIPT,
    JSON.stringify({ origin, paths, connections, durationS, headers }),
  ]);
  const out = await new Promise((resolve, reject) => {
    const child = spawn(command, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`load generator exited ${code}`))));
  });
  const result = JSON.parse(out);
  if (!tolerateFailures && (result.non2xx || result.errors)) throw new Error(`${origin}: non-2xx ${result.non2xx}, errors ${result.errors}`);
  result.cpuUs = pids.map((pid, i) => (cpuUs(pid) - before[i]) / Math.max(result.requests, 1));
  return result;
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Percentile of a list of numbers (nearest rank). */
export function percentile(xs, p) {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
