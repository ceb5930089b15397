/**
 * Reads back what the report wrote, enough for tests: the text of an
 * uncompressed pdfkit document (each `[<hex> kern <hex>…] TJ` is one text
 * run in WinAnsi, the standard fonts' encoding) and the page count.
 */
import { inflateSync } from 'node:zlib';

/** The document with its Flate content streams inflated (as the CLI and the API write it), the others as they are. */
function inflated(pdf: Uint8Array): string {
  const bytes = Buffer.from(pdf);
  const source = bytes.toString('latin1');
  let out = '';
  let last = 0;
  for (const m of source.matchAll(/\/FlateDecode[^>]*>>\s*stream\r?\n/g)) {
    const start = m.index + m[0].length;
    const end = source.indexOf('endstream', start);
    if (end < 0) break;
    out += source.slice(last, start);
    try {
      out += inflateSync(bytes.subarray(start, end)).toString('latin1');
    } catch {
      out += source.slice(start, end); // not a content stream we can read (an image): left as it is
    }
    last = end;
  }
  return out + source.slice(last);
}

/** The text runs of the document, one per line (compressed or not). */
export function pdfText(pdf: Uint8Array): string {
  const source = inflated(pdf);
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
