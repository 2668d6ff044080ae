import type { User } from '@ppt/api-db';
import { AuthError, AuthErrorCode } from './auth.errors';

/**
 * An address is trusted only once its owner proved they read it (verification or password-reset link):
 * until then the account may sign in but holds no organisation, role or invitation.
 */
export function requireVerifiedEmail<U extends Pick<User, 'emailVerifiedAt'>>(user: U | null): U {
  if (!user?.emailVerifiedAt) {
    throw new AuthError(
      AuthErrorCode.EmailNotVerified,
      'Confirm your e-mail address first (the link we sent, or a password reset)',
    );
  }
  return user;
}
