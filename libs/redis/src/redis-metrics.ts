import { processHistogram } from '@ppt/observability';
import Redis from 'ioredis';

const commandDuration = processHistogram<'command'>({
  name: 'redis_command_duration_seconds',
  help: 'Redis command latency seen by the app (queueing while reconnecting included), by command',
  labelNames: ['command'],
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
});

/** ioredis's own command table: any other name (a typo, a module's command) is labelled "other". */
let knownCommands: ReadonlySet<string> | undefined;

export function commandLabel(name: string): string {
  knownCommands ??= new Set(Redis.prototype.getBuiltinCommands());
  const command = name.toLowerCase();
  return knownCommands.has(command) ? command : 'other';
}

type Observe = (seconds: number) => void;
/** One labelled observer per known command name as sent, so a command builds no label object. */
const observers = new Map<string, Observe>();

function observerOf(name: string): Observe {
  let observe = observers.get(name);
  if (!observe) {
    const command = commandLabel(name);
    observe = commandDuration.labels(command).observe;
    // Unknown names are not kept: the map stays as bounded as the label.
    if (command !== 'other') observers.set(name, observe);
  }
  return observe;
}

interface SentCommand {
  name: string;
  promise: Promise<unknown>;
  [TIMED]?: true;
}

const TIMED = Symbol('redisCommandTimed');

/**
 * Times every command `client` sends, pipelines and transactions included (they go through
 * sendCommand one command at a time), from the first call until the reply: a command queued while
 * (re)connecting counts its wait, as the caller sees it. Wraps the instance's
 * sendCommand, ioredis's single path to the connection; the prototype is left alone.
 */
export function timeRedisCommands(client: Redis): void {
  const send = client.sendCommand;
  client.sendCommand = function timedSend(this: Redis, command, ...rest) {
    const sent = command as unknown as SentCommand;
    // A command sent while connecting waits in the offline queue and is sent again from there.
    if (sent[TIMED]) return send.call(this, command, ...rest);
    sent[TIMED] = true;
    const start = performance.now();
    const reply = send.call(this, command, ...rest);
    const observe = observerOf(sent.name);
    const stop = () => observe((performance.now() - start) / 1000);
    // Observes without changing what the caller awaits (a rejection still reaches the caller).
    sent.promise.then(stop, stop);
    return reply;
  } as Redis['sendCommand'];
}
