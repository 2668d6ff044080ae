import { createHash, generateKeyPairSync } from 'node:crypto';
import { promises as fs, constants as fsConstants, type Stats } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { posix, join } from 'node:path';
import { Server, utils, type Connection, type SFTPWrapper } from 'ssh2';

const { OPEN_MODE, STATUS_CODE } = utils.sftp;

export interface LocalSftpServer {
  host: string;
  port: number;
  /** The host key's fingerprint as OpenSSH prints it (`SHA256:<base64>`), for pinning. */
  hostKeySha256: string;
  /** How many logins were refused (wrong password). */
  refusedLogins: number;
  close(): Promise<void>;
}

/**
 * A real SSH server on loopback (ssh2's server side) with the SFTP subsystem over a local
 * directory: password login, OPEN/READ/WRITE/CLOSE, OPENDIR/READDIR, STAT, REMOVE, RENAME, MKDIR,
 * REALPATH — what an import server's drop folder needs. Paths are confined to `root`.
 */
export async function startLocalSftpServer(config: {
  root: string;
  username: string;
  password: string;
}): Promise<LocalSftpServer> {
  // Node's RSA key in PKCS#1 PEM: ssh2's own ed25519 generator, with its native binding built (as a
  // clean `npm install` builds it), now and then writes a key its parser refuses ("Malformed OpenSSH
  // private key": seen 1 in 300 here).
  const hostKey = {
    private: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs1',
      format: 'pem',
    }),
  };
  const parsed = utils.parseKey(hostKey.private);
  if (parsed instanceof Error) throw parsed;
  const fingerprint = createHash('sha256').update(parsed.getPublicSSH()).digest('base64').replace(/=+$/, '');
  const clients = new Set<Connection>();
  const state = { refusedLogins: 0 };

  const server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    clients.add(client);
    client.on('close', () => clients.delete(client));
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      if (ctx.method === 'password' && ctx.username === config.username && ctx.password === config.password)
        return ctx.accept();
      if (ctx.method === 'password') state.refusedLogins++;
      ctx.reject(['password']);
    });
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('sftp', (acceptSftp) => serveSftp(acceptSftp(), config.root));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    hostKeySha256: `SHA256:${fingerprint}`,
    get refusedLogins() {
      return state.refusedLogins;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of clients) client.end();
        server.close(() => resolve());
      }),
  };
}

function serveSftp(sftp: SFTPWrapper, root: string): void {
  const handles = new Map<number, { file?: fs.FileHandle; dir?: { path: string; names: string[] } }>();
  let nextHandle = 1;
  const handleBuffer = (id: number) => {
    const buffer = Buffer.alloc(4);
    buffer.writeUInt32BE(id);
    return buffer;
  };
  const handleId = (buffer: Buffer) => (buffer.length === 4 ? buffer.readUInt32BE(0) : -1);
  const local = (path: string) => join(root, posix.normalize(`/${path}`));
  const fail = (reqid: number, err: unknown) => {
    const code = (err as NodeJS.ErrnoException).code;
    sftp.status(
      reqid,
      code === 'ENOENT'
        ? STATUS_CODE.NO_SUCH_FILE
        : code === 'EACCES'
          ? STATUS_CODE.PERMISSION_DENIED
          : STATUS_CODE.FAILURE,
    );
  };
  const attrsOf = (stats: Stats) => ({
    mode: stats.mode,
    uid: stats.uid,
    gid: stats.gid,
    size: stats.size,
    atime: Math.floor(stats.atimeMs / 1000),
    mtime: Math.floor(stats.mtimeMs / 1000),
  });

  sftp.on('OPEN', (reqid, filename, flags) => {
    let mode = 0;
    if (flags & OPEN_MODE.WRITE) mode |= flags & OPEN_MODE.READ ? fsConstants.O_RDWR : fsConstants.O_WRONLY;
    else mode |= fsConstants.O_RDONLY;
    if (flags & OPEN_MODE.CREAT) mode |= fsConstants.O_CREAT;
    if (flags & OPEN_MODE.TRUNC) mode |= fsConstants.O_TRUNC;
    if (flags & OPEN_MODE.EXCL) mode |= fsConstants.O_EXCL;
    if (flags & OPEN_MODE.APPEND) mode |= fsConstants.O_APPEND;
    fs.open(local(filename), mode).then(
      (file) => {
        const id = nextHandle++;
        handles.set(id, { file });
        sftp.handle(reqid, handleBuffer(id));
      },
      (err: unknown) => fail(reqid, err),
    );
  });
  sftp.on('WRITE', (reqid, handle, offset, data) => {
    const file = handles.get(handleId(handle))?.file;
    if (!file) return sftp.status(reqid, STATUS_CODE.FAILURE);
    file.write(data, 0, data.length, offset).then(
      () => sftp.status(reqid, STATUS_CODE.OK),
      (err: unknown) => fail(reqid, err),
    );
  });
  sftp.on('READ', (reqid, handle, offset, length) => {
    const file = handles.get(handleId(handle))?.file;
    if (!file) return sftp.status(reqid, STATUS_CODE.FAILURE);
    const buffer = Buffer.alloc(length);
    file.read(buffer, 0, length, offset).then(
      ({ bytesRead }) =>
        bytesRead === 0
          ? sftp.status(reqid, STATUS_CODE.EOF)
          : sftp.data(reqid, buffer.subarray(0, bytesRead)),
      (err: unknown) => fail(reqid, err),
    );
  });
  sftp.on('FSTAT', (reqid, handle) => {
    const file = handles.get(handleId(handle))?.file;
    if (!file) return sftp.status(reqid, STATUS_CODE.FAILURE);
    file.stat().then(
      (stats) => sftp.attrs(reqid, attrsOf(stats)),
      (err: unknown) => fail(reqid, err),
    );
  });
  sftp.on('FSETSTAT', (reqid) => sftp.status(reqid, STATUS_CODE.OK));
  sftp.on('SETSTAT', (reqid) => sftp.status(reqid, STATUS_CODE.OK));
  sftp.on('CLOSE', (reqid, handle) => {
    const id = handleId(handle);
    const entry = handles.get(id);
    handles.delete(id);
    if (!entry) return sftp.status(reqid, STATUS_CODE.FAILURE);
    (entry.file ? entry.file.close() : Promise.resolve()).then(
      () => sftp.status(reqid, STATUS_CODE.OK),
      (err: unknown) => fail(reqid, err),
    );
  });
  sftp.on('OPENDIR', (reqid, path) => {
    fs.readdir(local(path)).then(
      (names) => {
        const id = nextHandle++;
        handles.set(id, { dir: { path: local(path), names } });
        sftp.handle(reqid, handleBuffer(id));
      },
      (err: unknown) => fail(reqid, err),
    );
  });
  sftp.on('READDIR', (reqid, handle) => {
    const entry = handles.get(handleId(handle));
    if (!entry?.dir) return sftp.status(reqid, STATUS_CODE.FAILURE);
    const { path, names } = entry.dir;
    const batch = names.splice(0);
    if (batch.length === 0) return sftp.status(reqid, STATUS_CODE.EOF);
    Promise.all(
      batch.map(async (name) => {
        const stats = await fs.stat(join(path, name));
        // SFTP v3 clients read the entry type from `longname`, an `ls -l` line.
        const type = stats.isDirectory() ? 'd' : '-';
        return {
          filename: name,
          longname: `${type}rw-r--r-- 1 0 0 ${stats.size} Jan 1 00:00 ${name}`,
          attrs: attrsOf(stats),
        };
      }),
    ).then(
      (list) => sftp.name(reqid, list),
      (err: unknown) => fail(reqid, err),
    );
  });
  const stat = (reqid: number, path: string) =>
    fs.stat(local(path)).then(
      (stats) => sftp.attrs(reqid, attrsOf(stats)),
      (err: unknown) => fail(reqid, err),
    );
  sftp.on('STAT', stat);
  sftp.on('LSTAT', stat);
  sftp.on('REMOVE', (reqid, path) => {
    fs.unlink(local(path)).then(
      () => sftp.status(reqid, STATUS_CODE.OK),
      (err: unknown) => fail(reqid, err),
    );
  });
  sftp.on('RENAME', (reqid, from, to) => {
    fs.rename(local(from), local(to)).then(
      () => sftp.status(reqid, STATUS_CODE.OK),
      (err: unknown) => fail(reqid, err),
    );
  });
  sftp.on('MKDIR', (reqid, path) => {
    fs.mkdir(local(path)).then(
      () => sftp.status(reqid, STATUS_CODE.OK),
      (err: unknown) => fail(reqid, err),
    );
  });
  sftp.on('REALPATH', (reqid, path) => {
    const resolved = posix.normalize(`/${path}`);
    sftp.name(reqid, [{ filename: resolved, longname: resolved, attrs: {} as never }]);
  });
}
