import { outboundErrorIn, type GuardedHttp, type UrlSchemes } from '@ppt/outbound';
import { Client as FtpClient, FTPError } from 'basic-ftp';
import { createHash, randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { posix } from 'node:path';
import { Writable } from 'node:stream';
import SftpClient from 'ssh2-sftp-client';
import { PortalError, refusedCall } from '../portal-adapter';

/**
 * Where an OpenImmo endpoint may point. ImmoScout24 and immowelt take transfers as ZIP files
 * dropped on their FTP/SFTP import servers; a few receivers take an HTTPS POST. Plain ftp:// (and
 * http://) carry the password in clear and are accepted only to an allow-listed address.
 */
export const OPENIMMO_ENDPOINT_SCHEMES: UrlSchemes = {
  secure: ['https:', 'ftps:', 'sftp:'],
  plain: ['http:', 'ftp:'],
  messages: {
    notAUrl: 'must be an absolute https://, ftps:// or sftp:// URL',
    wrongScheme: 'must be an https://, ftps:// or sftp:// URL',
    plainRefused: 'must be https://, ftps:// or sftp:// (unencrypted only to an allow-listed address)',
  },
};

/** Import reports are small XML files; anything larger is not one and is left where it is. */
export const MAX_REPORT_BYTES = 1024 * 1024;

export interface FileDropLogin {
  username: string;
  password: string;
  /**
   * SFTP only: the server's host key fingerprint as OpenSSH prints it (`SHA256:<base64>`). Without
   * it anyone between us and the portal could pose as the server and collect the password.
   */
  hostKeySha256?: string;
  timeoutMs: number;
}

/** A remote file the portal left for us (an import report). */
export interface RemoteFile {
  name: string;
  sizeBytes: number;
}

/** One session on a portal's import server; `close` always. */
export interface FileDrop {
  /**
   * Uploads under a temporary name and renames it when complete: import servers pick up any
   * `*.zip` they see, and must never see half a file.
   */
  upload(localPath: string, remoteName: string): Promise<void>;
  listFiles(directory: string): Promise<RemoteFile[]>;
  read(path: string): Promise<Buffer>;
  remove(path: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens an FTP(S) or SFTP session for `endpoint` (`ftp[s]://host[:port]/upload/dir` or
 * `sftp://…`). The host goes through the guarded agent's address check and the connection is made
 * to the checked address (no second lookup that could be re-pointed); FTP data connections go to
 * the same address whatever the server's PASV answer names.
 */
export async function openFileDrop(
  http: GuardedHttp,
  endpoint: string,
  login: FileDropLogin,
): Promise<FileDrop> {
  const url = new URL(endpoint);
  const problem = http.urlProblem(endpoint, OPENIMMO_ENDPOINT_SCHEMES);
  if (problem) throw new PortalError('ENDPOINT_NOT_ALLOWED', `OpenImmo: the endpoint ${problem}`, false);
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  let address: string;
  try {
    address = await http.resolveHost(hostname);
  } catch (err) {
    throw fileDropError(err);
  }
  const directory = decodeURIComponent(url.pathname) || '/';
  if (url.protocol === 'sftp:') return openSftp(url, hostname, address, directory, login);
  if (url.protocol === 'ftp:' || url.protocol === 'ftps:')
    return openFtp(url, hostname, address, directory, login);
  throw new PortalError('ENDPOINT_NOT_ALLOWED', `OpenImmo: ${url.protocol}// is not a file drop`, false);
}

async function openFtp(
  url: URL,
  hostname: string,
  address: string,
  directory: string,
  login: FileDropLogin,
): Promise<FileDrop> {
  // A PASV answer names an address for the data connection; it could name any host, so the data
  // connection goes to the control connection's (checked) address instead (EPSV names none).
  const client = new FtpClient(login.timeoutMs, { allowSeparateTransferHost: false });
  try {
    await client.access({
      host: address,
      port: url.port ? Number(url.port) : 21,
      user: login.username,
      password: login.password,
      secure: url.protocol === 'ftps:',
      // The certificate is checked against the name we were given, not the address we connect to.
      secureOptions: isIP(hostname) ? undefined : { servername: hostname },
    });
  } catch (err) {
    client.close();
    throw fileDropError(err);
  }
  const inDrop = (name: string) => posix.join(directory, name);
  const run = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      throw fileDropError(err);
    }
  };
  return {
    upload: (localPath, remoteName) =>
      run(async () => {
        const partial = inDrop(`${remoteName}.${randomUUID()}.part`);
        await client.uploadFrom(localPath, partial);
        await client.rename(partial, inDrop(remoteName));
      }),
    listFiles: (dir) =>
      run(async () =>
        (await client.list(dir)).filter((f) => f.isFile).map((f) => ({ name: f.name, sizeBytes: f.size })),
      ),
    read: (path) =>
      run(async () => {
        const sink = new CappedBuffer(MAX_REPORT_BYTES);
        await client.downloadTo(sink, path);
        return sink.contents();
      }),
    remove: (path) => run(async () => void (await client.remove(path))),
    close: async () => client.close(),
  };
}

async function openSftp(
  url: URL,
  hostname: string,
  address: string,
  directory: string,
  login: FileDropLogin,
): Promise<FileDrop> {
  const pinned = normaliseFingerprint(login.hostKeySha256);
  if (!pinned)
    throw new PortalError('INVALID_DATA', "OpenImmo: SFTP needs the server's host key fingerprint", false);
  const client = new SftpClient(`openimmo-${hostname}`);
  let hostKeyRefused = false;
  try {
    await client.connect({
      host: address,
      port: url.port ? Number(url.port) : 22,
      username: login.username,
      password: login.password,
      readyTimeout: login.timeoutMs,
      timeout: login.timeoutMs,
      hostVerifier: (key: Buffer) => {
        hostKeyRefused = fingerprintOf(key) !== pinned;
        return !hostKeyRefused;
      },
      // Never fall back to an agent or keys found on the worker's disk.
      agent: undefined,
      tryKeyboard: false,
    });
  } catch (err) {
    await client.end().catch(() => undefined);
    if (hostKeyRefused)
      throw new PortalError(
        'PORTAL_REJECTED',
        "OpenImmo: the SFTP server's host key does not match the configured fingerprint",
        false,
      );
    throw fileDropError(err);
  }
  const inDrop = (name: string) => posix.join(directory, name);
  const run = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      throw fileDropError(err);
    }
  };
  return {
    upload: (localPath, remoteName) =>
      run(async () => {
        const partial = inDrop(`${remoteName}.${randomUUID()}.part`);
        await client.fastPut(localPath, partial);
        await client.rename(partial, inDrop(remoteName));
      }),
    listFiles: (dir) =>
      run(async () =>
        (await client.list(dir))
          .filter((f) => f.type === '-')
          .map((f) => ({ name: f.name, sizeBytes: f.size })),
      ),
    read: (path) =>
      run(async () => {
        const sink = new CappedBuffer(MAX_REPORT_BYTES);
        await client.get(path, sink);
        return sink.contents();
      }),
    remove: (path) => run(async () => void (await client.delete(path))),
    close: async () => void (await client.end().catch(() => undefined)),
  };
}

/** `SHA256:abc…` (OpenSSH), with or without the prefix and base64 padding. */
function normaliseFingerprint(value: string | undefined): string | null {
  const bare = value
    ?.trim()
    .replace(/^SHA256:/i, '')
    .replace(/=+$/, '');
  return bare ? bare : null;
}

/** The OpenSSH SHA-256 fingerprint of a host key blob, without prefix and padding. */
export function fingerprintOf(keyBlob: Buffer): string {
  return createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '');
}

/** Collects a download and aborts it past `limit` bytes. */
class CappedBuffer extends Writable {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    this.size += chunk.length;
    if (this.size > this.limit) return callback(new Error(`a file over ${this.limit} bytes`));
    this.chunks.push(chunk);
    callback();
  }
  contents(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/**
 * FTP reply codes (RFC 959): 530 = not logged in (wrong password: not retried); 4xx = transient
 * (retried); other 5xx = the server refuses the command (not retried). SFTP/SSH: an authentication
 * failure is a wrong login; everything else on the wire is worth another attempt. The manager's
 * message is ours; the server's words go to `portalMessage` only.
 */
export function fileDropError(err: unknown): PortalError {
  if (err instanceof PortalError) return err;
  const refused = outboundErrorIn(err);
  if (refused) return refusedCall(refused, 'OpenImmo');
  const message = (err as Error | null)?.message ?? String(err);
  // basic-ftp also reports socket errors as FTPError, with the errno name as code.
  if (err instanceof FTPError && typeof err.code === 'number') {
    if (err.code === 530)
      return new PortalError(
        'INVALID_LOGIN',
        'OpenImmo: the FTP server refused the login (530)',
        false,
        err.code,
        message,
      );
    if (err.code >= 400 && err.code < 500)
      return new PortalError(
        'PORTAL_UNAVAILABLE',
        `OpenImmo: FTP ${err.code}, try again later`,
        true,
        err.code,
        message,
      );
    return new PortalError(
      'PORTAL_REJECTED',
      `OpenImmo: the FTP server refused (${err.code})`,
      false,
      err.code,
      message,
    );
  }
  const level = (err as { level?: string } | null)?.level;
  if (level === 'client-authentication' || /authentication methods failed/i.test(message))
    return new PortalError(
      'INVALID_LOGIN',
      'OpenImmo: the SFTP server refused the login',
      false,
      null,
      message,
    );
  const sftpCode = (err as { code?: unknown } | null)?.code;
  // ssh2's SFTP status codes: 2 no such file, 3 permission denied, 4 failure.
  if (sftpCode === 2 || sftpCode === 3)
    return new PortalError(
      'PORTAL_REJECTED',
      `OpenImmo: the SFTP server refused (status ${sftpCode})`,
      false,
      sftpCode,
      message,
    );
  return new PortalError(
    'PORTAL_UNAVAILABLE',
    'OpenImmo: the import server could not be reached',
    true,
    null,
    message,
  );
}
