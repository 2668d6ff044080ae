import { sampleDocx, sampleJpeg, sampleOdt, samplePdf, samplePng, zipArchive } from '@ppt/testing';
import { DOCUMENT_TYPES, sniffContentType, TextCheck } from './content-type';

describe('sniffContentType', () => {
  it('recognises PDFs and images by their magic numbers', () => {
    expect(sniffContentType(samplePdf('x'), true)).toBe(DOCUMENT_TYPES.pdf);
    expect(sniffContentType(samplePng(), true)).toBe(DOCUMENT_TYPES.png);
    expect(sniffContentType(sampleJpeg(), true)).toBe(DOCUMENT_TYPES.jpeg);
    expect(sniffContentType(Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'), true)).toBe(DOCUMENT_TYPES.gif);
    expect(sniffContentType(Buffer.from('RIFF\x24\x00\x00\x00WEBPVP8 ', 'latin1'), true)).toBe(
      DOCUMENT_TYPES.webp,
    );
  });

  it('tells office documents from other zip files by what they contain', () => {
    expect(sniffContentType(sampleDocx('hello'), true)).toBe(DOCUMENT_TYPES.docx);
    expect(sniffContentType(zipArchive({ 'xl/workbook.xml': '<x/>' }), true)).toBe(DOCUMENT_TYPES.xlsx);
    expect(sniffContentType(zipArchive({ 'ppt/presentation.xml': '<x/>' }), true)).toBe(DOCUMENT_TYPES.pptx);
    expect(sniffContentType(sampleOdt(), true)).toBe(DOCUMENT_TYPES.odt);
    expect(sniffContentType(zipArchive({ 'payload.exe': 'MZ' }), true)).toBeNull();
    expect(
      sniffContentType(zipArchive({ mimetype: 'application/vnd.oasis.opendocument.spreadsheet' }), true),
    ).toBeNull();
  });

  it('accepts UTF-8 text without NULs and nothing else', () => {
    expect(sniffContentType(Buffer.from('Zápis ze schůze výboru\n'), true)).toBe(DOCUMENT_TYPES.text);
    expect(sniffContentType(Buffer.from('abc\0def'), true)).toBeNull();
    expect(sniffContentType(Buffer.from([0x61, 0xff, 0x62]), true)).toBeNull();
    expect(sniffContentType(Buffer.from('MZ\x90\x00\x03', 'latin1'), true)).toBeNull();
    expect(sniffContentType(Buffer.alloc(0), true)).toBeNull();
    // A character cut at the end of the head is fine while more is to come, not at the end of the file.
    const cut = Buffer.from('šš').subarray(0, 3);
    expect(sniffContentType(cut, false)).toBe(DOCUMENT_TYPES.text);
    expect(sniffContentType(cut, true)).toBeNull();
  });

  it('checks text chunk by chunk, across chunk boundaries', () => {
    const bytes = Buffer.from('příliš žluťoučký kůň');
    const check = new TextCheck();
    for (let i = 0; i < bytes.length; i += 3) check.push(bytes.subarray(i, i + 3));
    expect(() => check.end()).not.toThrow();
    expect(() => new TextCheck().push(Buffer.from([0xc3, 0x28]))).toThrow('not valid UTF-8');
  });
});
