import { FtpSrv } from 'ftp-srv';
import { mkdir, mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  receiveTransfer,
  type FakeOpenImmoObject,
  type FakeOpenImmoTransfer,
  type TransferAnswer,
} from './fake-openimmo-portal';
import { startLocalSftpServer } from './sftp-server';

/** A customer inquiry the portal reports back for one of our objects (`objekt/interessent`). */
export interface FakeReportInquiry {
  obid: string;
  inquiryId: string;
  firstName: string;
  lastName: string;
  email: string;
  phone?: string;
  message: string;
}

export interface FakeOpenImmoFileDrop {
  protocol: 'ftp' | 'sftp';
  /** OpenImmoOptions.endpoint: `<protocol>://127.0.0.1:<port>/import`. */
  endpoint: string;
  /** OpenImmoOptions.reportsPath. */
  reportsPath: string;
  /** SFTP: the host key fingerprint to pin (OpenImmoOptions.hostKeySha256). */
  hostKeySha256: string | null;
  /** The import server's directory on disk (`import/`, `reports/`). */
  root: string;
  objects: Map<string, FakeOpenImmoObject>;
  transfers: FakeOpenImmoTransfer[];
  /** File names in the upload directory (ZIPs waiting, partial uploads). */
  uploads(): Promise<string[]>;
  /** File names in the reports directory. */
  reports(): Promise<string[]>;
  /**
   * What the portal's import job does: every complete ZIP in `import/` (not `*.part`), oldest name
   * first, is applied and removed, and one `openimmo_feedback` report per ZIP is written to
   * `reports/` with the transfer's errors and the inquiries given here.
   */
  processUploads(inquiries?: FakeReportInquiry[]): Promise<TransferAnswer[]>;
  close(): Promise<void>;
}

/**
 * A local OpenImmo import server the way ImmoScout24 and immowelt run theirs: an FTP or SFTP
 * account whose upload folder takes transfer ZIPs; the portal processes them later and writes its
 * import reports (OpenImmo feedback XML) into a folder the sender reads. The servers speak the real
 * protocols (ftp-srv; ssh2's SSH server with SFTP), with a password login.
 */
export async function startFakeOpenImmoFileDrop(config: {
  protocol: 'ftp' | 'sftp';
  username: string;
  password: string;
}): Promise<FakeOpenImmoFileDrop> {
  const root = await mkdtemp(join(tmpdir(), 'openimmo-drop-'));
  const importDir = join(root, 'import');
  const reportsDir = join(root, 'reports');
  await mkdir(importDir);
  await mkdir(reportsDir);
  const objects = new Map<string, FakeOpenImmoObject>();
  const transfers: FakeOpenImmoTransfer[] = [];
  let reportCount = 0;

  let endpointHost: { port: number; hostKeySha256: string | null };
  let closeServer: () => Promise<void>;
  if (config.protocol === 'sftp') {
    const sftp = await startLocalSftpServer({ root, username: config.username, password: config.password });
    endpointHost = { port: sftp.port, hostKeySha256: sftp.hostKeySha256 };
    closeServer = () => sftp.close();
  } else {
    const ftp = new FtpSrv({
      url: 'ftp://127.0.0.1:0',
      pasv_url: '127.0.0.1',
      pasv_min: 40000 + Math.floor(Math.random() * 10000),
      pasv_max: 65000,
      anonymous: false,
      greeting: 'OpenImmo import',
      log: quietLog,
    });
    ftp.on('login', ({ username, password }, resolve, reject) => {
      if (username === config.username && password === config.password) resolve({ root });
      else reject(new Error('Login incorrect'));
    });
    await ftp.listen();
    const { port } = (ftp as unknown as { server: Server }).server.address() as AddressInfo;
    endpointHost = { port, hostKeySha256: null };
    closeServer = async () => {
      await ftp.close();
    };
  }

  const listDir = async (dir: string) => (await readdir(dir)).sort();
  return {
    protocol: config.protocol,
    endpoint: `${config.protocol}://127.0.0.1:${endpointHost.port}/import`,
    reportsPath: '/reports',
    hostKeySha256: endpointHost.hostKeySha256,
    root,
    objects,
    transfers,
    uploads: () => listDir(importDir),
    reports: () => listDir(reportsDir),
    async processUploads(inquiries = []) {
      const answers: TransferAnswer[] = [];
      for (const name of await listDir(importDir)) {
        if (!name.endsWith('.zip')) continue;
        const path = join(importDir, name);
        const answer = await receiveTransfer(await readFile(path), {
          objects,
          transfers,
          baseUrl: 'https://portal.example',
        });
        await unlink(path);
        answers.push(answer);
        const transfer = transfers[transfers.length - 1];
        const report = feedbackXml(transfer, answer, inquiries);
        await writeFile(join(reportsDir, `report-${String(++reportCount).padStart(4, '0')}.xml`), report);
      }
      return answers;
    },
    async close() {
      await closeServer();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** An `openimmo_feedback` 1.2.5 document, as the portal's import job writes it. */
function feedbackXml(
  transfer: FakeOpenImmoTransfer | undefined,
  answer: TransferAnswer,
  inquiries: FakeReportInquiry[],
): string {
  const ok = answer.status >= 200 && answer.status < 300;
  const objects = transfer?.objects ?? [];
  const errors = ok
    ? ''
    : `<fehlerliste>${(objects.length ? objects : [{ obid: '' }])
        .map(
          (o) =>
            `<fehler>${o.obid ? `<objekt_id>${esc(o.obid)}</objekt_id>` : ''}<fehlernr>${answer.status}</fehlernr><text>${esc(answer.payload.error ?? 'Fehler')}</text></fehler>`,
        )
        .join('')}</fehlerliste>`;
  const byObject = new Map<string, FakeReportInquiry[]>();
  for (const inquiry of inquiries)
    byObject.set(inquiry.obid, [...(byObject.get(inquiry.obid) ?? []), inquiry]);
  const objekte = [...byObject]
    .map(
      ([obid, people]) =>
        `<objekt><oobj_id>${esc(obid)}</oobj_id>${people
          .map(
            (p) =>
              `<interessent><int_id>${esc(p.inquiryId)}</int_id><vorname>${esc(p.firstName)}</vorname><nachname>${esc(p.lastName)}</nachname>${p.phone ? `<tel>${esc(p.phone)}</tel>` : ''}<email>${esc(p.email)}</email><anfrage>${esc(p.message)}</anfrage></interessent>`,
          )
          .join('')}</objekt>`,
    )
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<openimmo_feedback><version>1.2.5</version>` +
    `<sender><name>Fake OpenImmo portal</name><datum>${new Date().toISOString().slice(0, 10)}</datum>` +
    `<makler_id>${esc(transfer?.providerId ?? '')}</makler_id></sender>${objekte}${errors}` +
    `<status><statusnr>${ok ? 0 : 1}</statusnr><text>${ok ? 'Import erfolgreich' : 'Import fehlgeschlagen'}</text></status>` +
    `</openimmo_feedback>\n`
  );
}

/** ftp-srv logs through a bunyan-shaped logger; the tests want silence. */
const quietLog: Record<string, unknown> = {};
for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal']) quietLog[level] = () => undefined;
quietLog['child'] = () => quietLog;

function esc(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
