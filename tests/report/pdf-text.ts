/**
 * Reads back what the report wrote, enough for tests: the text of an
 * uncompressed pdfkit document (each `[<hex> kern <hex>…] TJ` is one text
 * run in WinAnsi, the standard fonts' encoding) and the page count.
 */

/** The text runs of the document, one per line. */
export function pdfText(pdf: Uint8Array): string {
  const source = Buffer.from(pdf).toString('latin1');
  const runs: string[] = [];
  for (const match of source.matchAll(/\[((?:<[0-9a-fA-F]*>\s*-?[\d.]*\s*)+)\]\s*TJ/g)) {
    let text = '';
    for (const hex of match[1]!.matchAll(/<([0-9a-fA-F]*)>/g)) {
      text += Buffer.from(hex[1]!, 'hex').toString('latin1');
    }
    runs.push(text);
  }
  return runs.join('\n');
}

/** Page objects of the document (`/Type /Page`, not `/Pages`). */
export function pdfPageCount(pdf: Uint8Array): number {
  return (
    Buffer.from(pdf)
      .toString('latin1')
      .match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0
  );
}
