/**
 * Where exported rows go, one row at a time: a CSV file written through a
 * Node stream (waiting for `drain` when the disk is slower than the
 * database), or an XLSX workbook through exceljs's streaming WorkbookWriter
 * (each row committed as it is added, so the sheet is never held whole).
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import ExcelJS from 'exceljs';

export type Cell = string | number | null;

export type ExportFormat = 'csv' | 'xlsx';

export interface RowSink {
  /** writes one row; resolves when the sink can take more */
  row(cells: readonly Cell[]): Promise<void>;
  /** finishes the file */
  close(): Promise<void>;
  /** stops and leaves the file as it is (after a failure) */
  abort(): Promise<void>;
}

/** RFC 4180 quoting: a field with a comma, quote or line break is quoted, quotes doubled. */
export function csvField(cell: Cell): string {
  if (cell === null) return '';
  const text = typeof cell === 'number' ? (Number.isFinite(cell) ? String(cell) : '') : cell;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(cells: readonly Cell[]): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}

class CsvSink implements RowSink {
  readonly #out: WriteStream;
  #buffer = '';

  constructor(path: string, header: readonly string[]) {
    this.#out = createWriteStream(path, { encoding: 'utf8' });
    this.#buffer = csvLine(header);
  }

  async row(cells: readonly Cell[]): Promise<void> {
    this.#buffer += csvLine(cells);
    if (this.#buffer.length >= 64 * 1024) await this.#flush();
  }

  async #flush(): Promise<void> {
    const text = this.#buffer;
    this.#buffer = '';
    if (text.length > 0 && !this.#out.write(text)) {
      await Promise.race([
        once(this.#out, 'drain'),
        once(this.#out, 'error').then(([e]) => Promise.reject(e)),
      ]);
    }
  }

  async close(): Promise<void> {
    await this.#flush();
    this.#out.end();
    await once(this.#out, 'close');
  }

  async abort(): Promise<void> {
    this.#out.destroy();
  }
}

/** Rows per sheet at most (Excel's limit is 1 048 576, the header included). */
export const XLSX_MAX_ROWS = 1_048_575;

class XlsxSink implements RowSink {
  readonly #book: ExcelJS.stream.xlsx.WorkbookWriter;
  readonly #header: readonly string[];
  readonly #sheetName: string;
  readonly #maxRows: number;
  #sheet: ExcelJS.Worksheet;
  #rows = 0;
  #sheets = 1;

  constructor(path: string, header: readonly string[], sheetName: string, maxRows: number) {
    this.#book = new ExcelJS.stream.xlsx.WorkbookWriter({
      filename: path,
      useStyles: false,
      useSharedStrings: false,
    });
    this.#header = header;
    this.#sheetName = sheetName;
    this.#maxRows = maxRows;
    this.#sheet = this.#newSheet(sheetName);
  }

  #newSheet(name: string): ExcelJS.Worksheet {
    const sheet = this.#book.addWorksheet(name);
    sheet.addRow([...this.#header]).commit();
    return sheet;
  }

  async row(cells: readonly Cell[]): Promise<void> {
    if (this.#rows >= this.#maxRows) {
      this.#sheet.commit();
      this.#sheets++;
      this.#sheet = this.#newSheet(`${this.#sheetName} (${this.#sheets})`);
      this.#rows = 0;
    }
    this.#sheet.addRow(cells.map((c) => (typeof c === 'number' && !Number.isFinite(c) ? null : c))).commit();
    this.#rows++;
    // Let the zip stream write out what was committed.
    if (this.#rows % 5000 === 0) await new Promise((resolve) => setImmediate(resolve));
  }

  async close(): Promise<void> {
    this.#sheet.commit();
    await this.#book.commit();
  }

  async abort(): Promise<void> {
    try {
      await this.close();
    } catch {
      // the file is left as far as it got
    }
  }
}

export interface SinkOptions {
  format: ExportFormat;
  path: string;
  header: readonly string[];
  /** XLSX: the sheet's name */
  sheetName: string;
  /** XLSX: rows per sheet before a new sheet is started (default XLSX_MAX_ROWS) */
  maxSheetRows?: number;
}

export function openSink(options: SinkOptions): RowSink {
  return options.format === 'csv'
    ? new CsvSink(options.path, options.header)
    : new XlsxSink(options.path, options.header, options.sheetName, options.maxSheetRows ?? XLSX_MAX_ROWS);
}
