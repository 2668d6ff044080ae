import { LRUCache } from 'lru-cache';

/**
 * An in-process cache with a size bound (least recently used goes first) and a lifetime per entry,
 * on lru-cache. It adds what the session caches rely on: a non-positive lifetime stores nothing
 * (lru-cache would keep such an entry forever), and `onRemove` hears of every entry that leaves,
 * whether evicted, expired, replaced, deleted or cleared.
 */
export class MemoryTtlCache<V extends object | boolean | string | number> {
  private readonly entries: LRUCache<string, V>;

  constructor(
    maxEntries: number,
    onRemove: (key: string, value: V, reason: LRUCache.DisposeReason) => void = () => undefined,
    now: () => number = () => performance.now(),
  ) {
    if (maxEntries < 1) throw new Error('maxEntries must be at least 1');
    this.entries = new LRUCache<string, V>({
      max: maxEntries,
      dispose: (value, key, reason) => onRemove(key, value, reason),
      perf: { now },
      // Read the clock on every check: the default caches it for 1 ms with a timer per read.
      ttlResolution: 0,
    });
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: V, ttlMs: number): void {
    if (ttlMs <= 0) return;
    this.entries.set(key, value, { ttl: ttlMs });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
