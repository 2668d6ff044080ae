import { createParamDecorator, Injectable, type ExecutionContext } from '@nestjs/common';
import { AppError, registerErrorCodes } from '@ppt/observability';
import type { Request } from 'express';
import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Tenant } from './tenant';

export enum IdempotencyErrorCode {
  KeyInvalid = 'IDEMPOTENCY_KEY_INVALID',
  KeyReused = 'IDEMPOTENCY_KEY_REUSED',
}
registerErrorCodes({ [IdempotencyErrorCode.KeyInvalid]: 400, [IdempotencyErrorCode.KeyReused]: 422 });

/** Visible ASCII, 1–255 characters (a UUID, or whatever unique string the client chose). */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** The request's `Idempotency-Key` header, checked; undefined when absent. */
export const IdempotencyKeyHeader = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): string | undefined => {
    const value = ctx.switchToHttp().getRequest<Request>().headers['idempotency-key'];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !KEY_PATTERN.test(value)) {
      throw new AppError(
        IdempotencyErrorCode.KeyInvalid,
        400,
        'Idempotency-Key must be 1–255 visible ASCII characters, sent once',
        [{ field: 'Idempotency-Key', message: 'visible ASCII, at most 255 characters' }],
      );
    }
    return value;
  },
);

export interface IdempotentAnswer<T> {
  body: T;
  /** True when this is the answer a earlier request with the same key got. */
  replayed: boolean;
}

/**
 * Creation requests that carry an `Idempotency-Key` (per organisation, user and operation).
 *
 * The key's row is inserted first in the creation's transaction and gets the answer before commit,
 * so it exists exactly when the creation does. A concurrent request with the same key waits on the
 * unique index until the first commits, then finds the answer and replays it (one row, one answer);
 * if the first rolled back, the second creates. A refused request stores nothing, so a retry is
 * judged again. The same key with a different request is 422 IDEMPOTENCY_KEY_REUSED.
 */
@Injectable()
export class IdempotencyKeys {
  async once<T extends object>(
    m: EntityManager,
    t: Tenant,
    request: { key: string | undefined; operation: string; payload: unknown },
    status: number,
    create: () => Promise<T>,
  ): Promise<IdempotentAnswer<T>> {
    if (request.key === undefined) return { body: await create(), replayed: false };
    const hash = createHash('sha256').update(canonicalJson(request.payload)).digest('hex');
    const claimed = (await m.query(
      `INSERT INTO idempotency_keys (organization_id, user_id, operation, key, request_hash, response_status, response_body)
       VALUES ($1, $2, $3, $4, $5, 0, '{}')
       ON CONFLICT (organization_id, user_id, operation, key) DO NOTHING
       RETURNING id`,
      [t.organizationId, t.userId, request.operation, request.key, hash],
    )) as { id: string }[];
    if (claimed.length === 0) {
      const [earlier] = (await m.query(
        `SELECT request_hash, response_body FROM idempotency_keys
          WHERE organization_id = $1 AND user_id = $2 AND operation = $3 AND key = $4`,
        [t.organizationId, t.userId, request.operation, request.key],
      )) as { request_hash: string; response_body: T }[];
      if (earlier.request_hash !== hash) {
        throw new AppError(
          IdempotencyErrorCode.KeyReused,
          422,
          'This Idempotency-Key was used for a different request; use a new key for a new request',
        );
      }
      return { body: earlier.response_body, replayed: true };
    }
    const body = await create();
    await m.query(`UPDATE idempotency_keys SET response_status = $2, response_body = $3 WHERE id = $1`, [
      claimed[0].id,
      status,
      JSON.stringify(body),
    ]);
    return { body, replayed: false };
  }
}

/** JSON with object keys sorted, so the same request always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}
