import { deeplyNestedPdf, inflatingPdf, sampleDocx, samplePdf, zipBombDocx } from '@ppt/testing';
import { DOCUMENT_TYPES } from '../content-type';
import { runSandboxed } from './sandbox';
import { extractText, TextExtractionError } from './text-extraction';

const limits = { timeoutMs: 20_000, memoryMb: 256 };

describe('text extraction of hostile files (child process with hard limits)', () => {
  jest.setTimeout(90_000);

  it('extracts ordinary PDF and DOCX files in the child process', async () => {
    await expect(extractText(DOCUMENT_TYPES.pdf, samplePdf('Meeting of owners'), limits)).resolves.toContain(
      'Meeting of owners',
    );
    await expect(extractText(DOCUMENT_TYPES.docx, sampleDocx('House rules'), limits)).resolves.toContain(
      'House rules',
    );
  });

  it('caps memory outside the V8 heap too: off-heap buffers beyond the limit cannot be allocated', async () => {
    // 1 GB of Buffers: none of it is V8 heap, so a heap-only limit (worker resourceLimits) lets it pass.
    const greedy = `
      const held = [];
      try { for (let i = 0; i < 64; i++) held.push(Buffer.alloc(16 * 1024 * 1024, 1)); process.stdout.write('allocated'); }
      catch (err) { process.stdout.write('refused: ' + err.message); }`;
    const outcome = await runSandboxed(greedy, Buffer.alloc(0), { ...limits, maxOutputBytes: 1024 });
    expect(outcome.kind === 'ok' ? outcome.stdout.toString() : outcome.reason).toMatch(
      /^refused|^memory limit$/,
    );
    // Within the limit the same child succeeds: the cap is the limit, not a broken sandbox.
    const modest = greedy.replace('i < 64', 'i < 4');
    const fine = await runSandboxed(modest, Buffer.alloc(0), { ...limits, maxOutputBytes: 1024 });
    expect(fine).toEqual({ kind: 'ok', stdout: Buffer.from('allocated') });
  });

  it('kills a child that runs past the time limit', async () => {
    const outcome = await runSandboxed('for (;;) {}', Buffer.alloc(0), {
      timeoutMs: 1500,
      memoryMb: 128,
      maxOutputBytes: 1024,
    });
    expect(outcome).toEqual({ kind: 'failed', reason: expect.stringMatching(/time limit/) });
  });

  it('fails a zip-bomb DOCX (1 GB of XML in a few MB) without harming the caller', async () => {
    const bomb = await zipBombDocx();
    expect(bomb.length).toBeLessThan(10 * 1024 * 1024);
    const peakBefore = peakRssBytes();
    await expect(extractText(DOCUMENT_TYPES.docx, bomb, limits)).rejects.toBeInstanceOf(TextExtractionError);
    // The inflated gigabyte never lived in this process (a worker thread's memory would count here).
    expect(peakRssBytes() - peakBefore).toBeLessThan(256 * 1024 * 1024);
  });

  it('fails a PDF whose content stream inflates to 1 GB', async () => {
    const pdf = await inflatingPdf();
    const peakBefore = peakRssBytes();
    await expect(extractText(DOCUMENT_TYPES.pdf, pdf, limits)).rejects.toBeInstanceOf(TextExtractionError);
    expect(peakRssBytes() - peakBefore).toBeLessThan(256 * 1024 * 1024);
  });

  it('fails a PDF nested 500 000 levels deep, and the caller goes on extracting', async () => {
    await expect(extractText(DOCUMENT_TYPES.pdf, deeplyNestedPdf(), limits)).rejects.toBeInstanceOf(
      TextExtractionError,
    );
    await expect(extractText(DOCUMENT_TYPES.pdf, samplePdf('Still working'), limits)).resolves.toContain(
      'Still working',
    );
  });
});

/** The peak resident set of this process so far (getrusage ru_maxrss). */
function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}
