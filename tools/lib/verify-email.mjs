// Benches and the seed have no mailbox to click "confirm your e-mail address" in: as the database owner
// they mark the account they just registered verified (an unverified account acts in no organisation).
import pg from 'pg';

export async function markEmailVerified(ownerUrl, email) {
  const db = new pg.Client({ connectionString: ownerUrl });
  await db.connect();
  try {
    const { rowCount } = await db.query('UPDATE users SET email_verified_at = now() WHERE lower(email) = lower($1)', [email]);
    if (rowCount !== 1) throw new Error(`no account ${email} to verify`);
  } finally {
    await db.end();
  }
}
