import {
  assertValidKey,
  attachmentDisposition,
  objectKey,
  parseStagingKey,
  safeFileName,
  stagingKey,
} from './object-key';
import { InvalidObjectKeyError } from './storage-errors';

const ORG = '0b6c2f9e-6a3e-4f7e-9d1c-2a1f4e8b7c10';
const DOC = 'f1e2d3c4-b5a6-4798-8a9b-0c1d2e3f4a5b';

describe('objectKey', () => {
  it('places the file under the organisation and document', () => {
    expect(objectKey(ORG, DOC, 'lease.pdf')).toBe(`org/${ORG}/documents/${DOC}/lease.pdf`);
  });

  it('refuses ids that are not plain identifiers', () => {
    expect(() => objectKey('../other-org', DOC, 'a.pdf')).toThrow(InvalidObjectKeyError);
    expect(() => objectKey(ORG, 'a/b', 'a.pdf')).toThrow(InvalidObjectKeyError);
    expect(() => objectKey('', DOC, 'a.pdf')).toThrow(InvalidObjectKeyError);
  });

  it('produces keys every driver accepts, whatever the client sent', () => {
    for (const name of ['../../etc/passwd', '..', '/', '\0', 'a\nb.pdf', 'C:\\x\\report.pdf', ' . ', '…']) {
      expect(() => assertValidKey(objectKey(ORG, DOC, name))).not.toThrow();
    }
  });
});

describe('safeFileName', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['C:\\x\\report.pdf', 'report.pdf'],
    ['/home/user/Výpis z účtu.PDF', 'Vypis-z-uctu.PDF'],
    ['Nájemní smlouva 2026.pdf', 'Najemni-smlouva-2026.pdf'],
    ['Übergabeprotokoll – Wohnung 3.docx', 'Ubergabeprotokoll-Wohnung-3.docx'],
    ['plan (final) v2.dwg', 'plan-final-v2.dwg'],
    ['archive.tar.gz', 'archive.tar.gz'],
    ['.env', 'file.env'],
    ['-rf .pdf', 'rf.pdf'],
    ['..', 'file'],
    ['', 'file'],
    ['   ', 'file'],
    ['###.pdf', 'file.pdf'],
    ['结婚证.jpg', 'file.jpg'],
    ['report.', 'report'],
    ['a\0b\u202Ecod.exe', 'a-b-cod.exe'],
  ])('%j → %j', (clientName, expected) => {
    expect(safeFileName(clientName)).toBe(expected);
  });

  it('caps long names at 120 characters and keeps the extension', () => {
    const name = safeFileName(`${'x'.repeat(300)}.pdf`);
    expect(name).toHaveLength(120);
    expect(name).toBe(`${'x'.repeat(116)}.pdf`);
  });

  it('does not take a long tail after the last dot for an extension', () => {
    const name = safeFileName(`notes.${'y'.repeat(300)}`);
    expect(name.length).toBeLessThanOrEqual(120);
    expect(name.startsWith('notes.yyy')).toBe(true);
  });

  it('only ever returns [A-Za-z0-9._-], without leading dots', () => {
    for (const name of ['../..', '.hidden', '-rf', 'a/../b', 'ﬁle.txt', 'emoji 😀.png']) {
      expect(safeFileName(name)).toMatch(/^[A-Za-z0-9_][A-Za-z0-9._-]*$/);
    }
  });
});

describe('assertValidKey', () => {
  it.each([
    ['', 'empty'],
    ['/etc/passwd', 'absolute path'],
    ['../x', '".." path segment'],
    ['a/../../x', '".." path segment'],
    ['a/./b', '"." or ".."'],
    ['a//b', 'empty'],
    ['a/', 'empty'],
    ['a\0b', 'control character'],
    ['a\\..\\b', 'backslash'],
    ['k'.repeat(1025), 'longer than 1024 bytes'],
  ])('rejects %j', (key, reason) => {
    expect(() => assertValidKey(key)).toThrow(InvalidObjectKeyError);
    expect(() => assertValidKey(key)).toThrow(reason);
  });

  it('accepts ordinary keys, including non-ASCII ones', () => {
    expect(() => assertValidKey('org/1/documents/2/Nájemní smlouva.pdf')).not.toThrow();
    expect(() => assertValidKey('a..b/c.d')).not.toThrow();
  });
});

describe('attachmentDisposition', () => {
  it('offers an ASCII name and the original name encoded per RFC 8187', () => {
    expect(attachmentDisposition('Nájemní smlouva.pdf')).toBe(
      `attachment; filename="Najemni-smlouva.pdf"; filename*=UTF-8''N%C3%A1jemn%C3%AD%20smlouva.pdf`,
    );
  });

  it('cannot be used to inject header parameters', () => {
    const header = attachmentDisposition('a"; filename="evil.exe\r\nX: y');
    expect(header).not.toMatch(/[\r\n]/);
    expect(header.match(/"/g)).toHaveLength(2);
  });

  it('puts direct uploads under a staging key apart from the documents, and reads it back', () => {
    const key = stagingKey('org-1', 'doc-1');
    expect(key).toBe('org/org-1/staging/doc-1/upload');
    expect(parseStagingKey(key)).toEqual({ organizationId: 'org-1', documentId: 'doc-1' });
    expect(parseStagingKey(objectKey('org-1', 'doc-1', 'upload'))).toBeNull();
    expect(parseStagingKey('org/org-1/staging/doc-1/upload/x')).toBeNull();
  });
});
