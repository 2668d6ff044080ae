export interface DependencyStatus {
  status: 'up' | 'down';
  latencyMs: number;
  error?: string;
}

/** A dependency the app cannot serve traffic without (PostgreSQL, Redis, …). */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<DependencyStatus>;
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/** Runs one probe with a deadline and reports its status and latency; never throws. */
export async function probe(run: () => Promise<unknown>, timeoutMs: number): Promise<DependencyStatus> {
  const started = performance.now();
  const latency = () => Math.round((performance.now() - started) * 10) / 10;
  try {
    await withTimeout(run(), timeoutMs);
    return { status: 'up', latencyMs: latency() };
  } catch (err) {
    return { status: 'down', latencyMs: latency(), error: (err as Error).message };
  }
}
