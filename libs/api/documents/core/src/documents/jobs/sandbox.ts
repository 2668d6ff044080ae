import { spawn } from 'node:child_process';

/** How much a sandboxed script may use before it is killed. */
export interface SandboxLimits {
  /**
   * Hard cap on the child's data memory (RLIMIT_DATA: heap, malloc and private writable mappings on
   * Linux ≥ 4.7), so off-heap buffers — an inflated zip entry, a decoded PDF stream — count too; V8's
   * own heap is capped below it so ordinary exhaustion ends as a clean error.
   */
  memoryMb: number;
  /** Wall-clock limit; the child is killed (SIGKILL) when it passes. CPU time is capped alike. */
  timeoutMs: number;
  /** Most bytes read from the child's stdout; more ends the child. */
  maxOutputBytes: number;
}

export type SandboxOutcome = { kind: 'ok'; stdout: Buffer } | { kind: 'failed'; reason: string };

/**
 * Runs `source` as a CommonJS script in a separate Node process with `input` on its stdin and a hard
 * memory, CPU and time limit. RLIMIT_AS (`ulimit -v`) would be the textbook cap, but V8 reserves
 * gigabytes of address space it never uses, so Node does not even start below ~2 GB; RLIMIT_DATA
 * counts memory that is actually made writable. The limits are set by `/bin/sh`'s `ulimit` just
 * before it execs Node, so they hold for the child alone.
 */
export function runSandboxed(source: string, input: Buffer, limits: SandboxLimits): Promise<SandboxOutcome> {
  const heapMb = Math.max(16, Math.floor(limits.memoryMb * 0.75));
  const cpuSeconds = Math.max(1, Math.ceil(limits.timeoutMs / 1000));
  const script = `ulimit -d ${limits.memoryMb * 1024} && ulimit -t ${cpuSeconds} && exec "$0" --max-old-space-size=${heapMb} -e "$1"`;
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', script, process.execPath, source], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_PATH: process.env.NODE_PATH ?? '' },
    });
    const out: Buffer[] = [];
    let outBytes = 0;
    let stderr = '';
    let limitHit: string | undefined;
    const kill = (reason: string) => {
      limitHit ??= reason;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => kill(`time limit of ${limits.timeoutMs} ms`), limits.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > limits.maxOutputBytes) kill('output limit');
      else out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString('utf8');
    });
    // The child may die before reading all of its input (that is the point): not an error here.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve({ kind: 'failed', reason: `could not start: ${err.message}` });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (limitHit) resolve({ kind: 'failed', reason: limitHit });
      else if (code === 0) resolve({ kind: 'ok', stdout: Buffer.concat(out) });
      else resolve({ kind: 'failed', reason: exitReason(code, signal, stderr) });
    });
  });
}

function exitReason(code: number | null, signal: NodeJS.Signals | null, stderr: string): string {
  if (/out of memory|allocation failed|heap limit/i.test(stderr)) return 'memory limit';
  if (signal === 'SIGXCPU') return 'CPU time limit';
  const last = stderr.trim().split('\n').pop()?.slice(0, 300);
  return `exited with ${signal ?? `code ${code}`}${last ? `: ${last}` : ''}`;
}
