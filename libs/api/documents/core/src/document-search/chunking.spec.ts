import { chunkText, countTokens, detectLanguage, TRIMMED_WHITESPACE } from './chunking';

describe('document search chunking', () => {
  const paragraph = (n: number) =>
    `Paragraph ${n}: the tenant shall pay the rent on the first day of every month to the account of the landlord.`;

  it('cuts long text into chunks within the token limit that overlap', async () => {
    const text = Array.from({ length: 40 }, (_, i) => paragraph(i)).join('\n\n');
    const chunks = await chunkText(text, false, { chunkTokens: 60, overlapTokens: 25 });
    expect(chunks.length).toBeGreaterThan(10);
    for (const c of chunks) expect(countTokens(c.text)).toBeLessThanOrEqual(60);
    expect(chunks.map((c) => c.index)).toEqual(chunks.map((_, i) => i));
    expect(chunks.every((c) => c.page === null)).toBe(true);
    // Neighbours share text (the overlap), so a paragraph cut at a boundary appears whole somewhere.
    const shared = chunks
      .slice(1)
      .filter((c, i) => c.text.slice(0, 20) && chunks[i].text.includes(c.text.slice(0, 20)));
    expect(shared.length).toBeGreaterThan(0);
  });

  it('keeps the page of each chunk when form feeds mark the pages', async () => {
    const chunks = await chunkText(`Page one text.\n\f\n\nPage two text.\n\f\n\n\n\fPage four.`, true, {
      chunkTokens: 100,
      overlapTokens: 10,
    });
    expect(chunks.map((c) => [c.page, c.text])).toEqual([
      [1, 'Page one text.'],
      [2, 'Page two text.'],
      [4, 'Page four.'],
    ]);
  });

  it('tells Czech, Slovak, German and English apart, and gives up on too little text', () => {
    expect(
      detectLanguage(
        'Nájemce je povinen platit nájemné a zálohy na služby, které jsou uvedeny podle smlouvy.',
      ),
    ).toBe('cs');
    expect(
      detectLanguage('Nájomca je povinný platiť nájomné a zálohy za služby, ktoré sú uvedené podľa zmluvy.'),
    ).toBe('sk');
    expect(
      detectLanguage('Der Mieter ist verpflichtet, die Miete und die Nebenkosten für die Wohnung zu zahlen.'),
    ).toBe('de');
    expect(
      detectLanguage('The tenant is obliged to pay the rent and the service charges for the flat.'),
    ).toBe('en');
    expect(detectLanguage('Invoice 2026-001')).toBe('und');
  });
});

describe('TRIMMED_WHITESPACE', () => {
  it('is exactly what String.prototype.trim() strips (the SQL of the backfill uses it)', () => {
    const stripped: string[] = [];
    for (let c = 0; c <= 0xffff; c++)
      if (String.fromCharCode(c).trim() === '') stripped.push(String.fromCharCode(c));
    expect([...TRIMMED_WHITESPACE].sort()).toEqual(stripped.sort());
  });
});
