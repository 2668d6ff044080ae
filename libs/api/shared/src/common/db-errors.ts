/** PostgreSQL refused a change because other rows still reference the row (SQLSTATE 23503). */
export function isStillReferenced(err: unknown): boolean {
  return (err as { code?: string }).code === '23503';
}

/** Turns "still referenced" into the caller's 409; anything else stays a server error. */
export function referencedAs(conflict: () => Error): (err: unknown) => never {
  return (err: unknown) => {
    if (isStillReferenced(err)) throw conflict();
    throw err;
  };
}
