import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * How a fake provider misbehaves, switchable between requests:
 * - `normal`: answers per its API;
 * - `slow`: waits `slowMs` before the headers and between streamed chunks;
 * - `malformed`: a stream whose second event is not JSON (non-streamed: a body that is not JSON);
 * - `rate-limited`: every request 429 (a "429 storm");
 * - `failing`: every request 500.
 */
export type FakeLlmMode = 'normal' | 'slow' | 'malformed' | 'rate-limited' | 'failing';

export interface FakeTurn {
  role: string;
  content: string;
}

/** What a fake saw of each request (tests assert on prompts, keys and aborted connections). */
export interface FakeLlmRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  messages: FakeTurn[];
  /** The client closed the connection before the answer was complete. */
  aborted: boolean;
  /** The answer was sent to the end. */
  completed: boolean;
}

/**
 * The deterministic part shared by both fakes: the answer is `reply(messages)` (default: echoes the
 * last user message), streamed one word per chunk; usage counts whitespace-separated words of every
 * prompt message (input) and the streamed chunks (output), so tests can predict both exactly.
 */
export function defaultReply(messages: FakeTurn[]): string {
  const last = [...messages].reverse().find((m) => m.role === 'user');
  return `You said: ${last?.content ?? ''}`;
}

export function wordsOf(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [];
}

export function promptTokens(messages: FakeTurn[]): number {
  return messages.reduce((sum, m) => sum + wordsOf(m.content).length, 0);
}

export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content
      .map((p) => (typeof p === 'string' ? p : ((p as { type?: string; text?: string }).text ?? '')))
      .join('');
  return '';
}

export async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | null> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Tracks whether the client went away mid-answer (the response's socket closed before end()). */
export function watchAbort(res: ServerResponse, seen: FakeLlmRequest): void {
  res.on('close', () => {
    if (!res.writableFinished) seen.aborted = true;
  });
  res.on('finish', () => {
    seen.completed = true;
  });
}
