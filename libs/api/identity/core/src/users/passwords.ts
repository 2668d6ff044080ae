import { Injectable, type OnModuleInit } from '@nestjs/common';
import { hash, verify, argon2id } from 'argon2';

/** OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane. */
const OPTIONS = { type: argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

@Injectable()
export class Passwords implements OnModuleInit {
  /** Verified when the e-mail is unknown, so a wrong e-mail costs the same time as a wrong password. */
  private dummyHash = '';

  async onModuleInit(): Promise<void> {
    this.dummyHash = await hash('not-a-real-password-but-the-same-cost', OPTIONS);
  }

  hash(password: string): Promise<string> {
    return hash(password, OPTIONS);
  }

  /** False for a missing hash too, after spending the same time. */
  async verify(passwordHash: string | null | undefined, password: string): Promise<boolean> {
    try {
      const ok = await verify(passwordHash || this.dummyHash, password);
      return ok && Boolean(passwordHash);
    } catch {
      return false;
    }
  }
}
