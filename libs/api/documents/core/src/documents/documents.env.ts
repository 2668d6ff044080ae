import { createHmac } from 'node:crypto';
import { IsIntInRange } from '@ppt/config';
import { MIN_PART_SIZE_BYTES, type StorageSettings } from '@ppt/storage';

const MiB = 1024 * 1024;

// Mixins must accept any constructor arguments (TypeScript rule for mixin classes).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type EnvBase = new (...args: any[]) => object;

/** The documents feature's variables, composed into ApiServerEnv (one validation pass). */
export function withDocumentsEnv<TBase extends EnvBase>(Base: TBase) {
  class WithDocumentsEnv extends Base {
    /** Largest file accepted by POST /documents and by direct uploads (413 above). */
    @IsIntInRange(1)
    DOCUMENT_MAX_BYTES = 100 * MiB;

    /** Largest file of a resumable upload (/uploads). */
    @IsIntInRange(MIN_PART_SIZE_BYTES)
    UPLOAD_MAX_BYTES = 2 * 1024 * MiB;

    /** An unfinished upload that received nothing for this long is abandoned and cleaned up. */
    @IsIntInRange(60)
    UPLOAD_ABANDONED_AFTER_S = 24 * 3600;

    /**
     * Longest time one chunk of a resumable upload may take to arrive; the request is cut off then.
     * Its claim on the part lasts a minute longer, so no other request can write the part meanwhile.
     */
    @IsIntInRange(10, 24 * 3600)
    UPLOAD_CHUNK_TIMEOUT_S = 900;

    /** Text extraction reads the whole file into memory; larger files are skipped. */
    @IsIntInRange(1)
    TEXT_EXTRACTION_MAX_BYTES = 50 * MiB;

    /** A PDF or DOCX that takes longer than this to read is given up on. */
    @IsIntInRange(1000)
    TEXT_EXTRACTION_TIMEOUT_MS = 60_000;

    /**
     * Hard memory cap of the text extraction child process (RLIMIT_DATA: V8 heap and off-heap buffers
     * alike); a file that needs more fails instead of taking the worker down.
     */
    @IsIntInRange(128, 16_384)
    TEXT_EXTRACTION_MEMORY_MB = 512;
  }
  return WithDocumentsEnv;
}

/** What the documents feature reads from the environment. */
export class DocumentsEnv extends withDocumentsEnv(class {}) {}

/**
 * Storage settings with a signing secret for the local driver's URLs: STORAGE_SIGNING_SECRET, or
 * else one derived from the token signing key, so every api-server replica (and a restart) signs
 * and verifies alike without one more secret to configure.
 */
export function storageSettingsOf(env: StorageSettings & { AUTH_JWT_PRIVATE_KEY: string }): StorageSettings {
  if (env.STORAGE_SIGNING_SECRET) return env;
  const derived = createHmac('sha256', env.AUTH_JWT_PRIVATE_KEY)
    .update('ppt/storage/signed-urls/v1')
    .digest('hex');
  return { ...env, STORAGE_SIGNING_SECRET: derived };
}
