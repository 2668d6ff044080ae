import type Redis from 'ioredis';
import type { RealtimeEvent } from './protocol';

/**
 * Gives each (event, room) its per-room sequence number and appends the event to the room's bounded
 * stream, once, however many gateway instances receive the event: the first instance's call assigns
 * and records the numbers under the event id; later calls (other instances, a relay redelivery) get
 * the same numbers back. One script, so assignment and append are atomic.
 *
 * KEYS[1] = the event's assignment record; then per room: its counter, its stream.
 * ARGV = record TTL (s), stream MAXLEN (approximate), the event JSON, stream TTL (s).
 * Stream entry ids are `<seq>-0`, so a resume reads from `<lastSeq + 1>-0` on.
 */
const ASSIGN = `
local done = redis.call('GET', KEYS[1])
if done then return done end
local seqs = {}
for i = 2, #KEYS, 2 do
  local seq = redis.call('INCR', KEYS[i])
  redis.call('XADD', KEYS[i + 1], 'MAXLEN', '~', ARGV[2], seq .. '-0', 'e', ARGV[3])
  redis.call('EXPIRE', KEYS[i], ARGV[4])
  redis.call('EXPIRE', KEYS[i + 1], ARGV[4])
  seqs[#seqs + 1] = seq
end
local joined = table.concat(seqs, ',')
redis.call('SET', KEYS[1], joined, 'EX', ARGV[1])
return joined`;

/** How long an event's numbers are remembered (longer than any relay redelivery takes). */
const ASSIGNMENT_TTL_S = 24 * 3600;
/** A room nobody wrote to for this long forgets its stream and counter (a resume then reports a gap). */
const STREAM_TTL_S = 7 * 24 * 3600;
/** Most events one resume replays; a client further behind reloads its state. */
export const MAX_REPLAY = 500;

export interface Replay {
  events: { seq: number; event: RealtimeEvent }[];
  /** Events after lastSeq are no longer all in the stream (trimmed, expired, or more than MAX_REPLAY). */
  gap: boolean;
  /** The room's latest sequence number (0 when the room has none). */
  latestSeq: number;
}

export class RoomStreams {
  /**
   * @param redis a client without key prefix (keys are built here, so the script sees them whole)
   * @param keyBase `<REDIS_KEY_PREFIX>rt:<app>:`
   */
  constructor(
    private readonly redis: Redis,
    private readonly keyBase: string,
    private readonly maxLength: number,
  ) {}

  /** The sequence number of `event` in each of `rooms` (same order), appending it to their streams. */
  async assign(event: RealtimeEvent, rooms: string[]): Promise<number[]> {
    const keys = [`${this.keyBase}assigned:${event.id}`];
    for (const room of rooms) keys.push(this.seqKey(room), this.streamKey(room));
    const joined = (await this.redis.eval(
      ASSIGN,
      keys.length,
      ...keys,
      ASSIGNMENT_TTL_S,
      this.maxLength,
      JSON.stringify(event),
      STREAM_TTL_S,
    )) as string;
    return joined.split(',').map(Number);
  }

  /** What `room` holds after `lastSeq`, at most MAX_REPLAY events. */
  async replay(room: string, lastSeq: number): Promise<Replay> {
    const [latest, entries] = await Promise.all([
      this.redis.get(this.seqKey(room)),
      this.redis.xrange(this.streamKey(room), `${lastSeq + 1}-0`, '+', 'COUNT', MAX_REPLAY),
    ]);
    const latestSeq = Number(latest ?? 0);
    const events = entries.map(([id, fields]) => ({
      seq: Number(id.split('-')[0]),
      event: JSON.parse(fields[1] as string) as RealtimeEvent,
    }));
    const expectedFirst = lastSeq + 1;
    const gap =
      lastSeq > latestSeq || // the counter expired and started again: the client's number means nothing now
      (latestSeq > lastSeq && (events[0]?.seq !== expectedFirst || events.at(-1)?.seq !== latestSeq));
    return { events, gap, latestSeq };
  }

  private seqKey(room: string): string {
    return `${this.keyBase}seq:${room}`;
  }

  private streamKey(room: string): string {
    return `${this.keyBase}stream:${room}`;
  }
}
