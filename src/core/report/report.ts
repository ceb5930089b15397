/**
 * A chain report as PDF bytes: the data through the Store port (data.ts),
 * drawn headless with pdfkit (pdf.ts). The CLI, the HTTP service and the
 * desktop app all call this, so they produce the same document.
 */
import { chainLabel } from '../domain/chain.ts';
import type { Store } from '../store/port.ts';
import { gatherReportData, type ReportOptions } from './data.ts';
import { renderReportPdf } from './pdf.ts';

export type { ReportOptions } from './data.ts';

export interface ChainReport {
  /** `report-CU001-A-2026-10-01-2026-10-31.pdf` */
  fileName: string;
  bytes: Buffer;
  pages: number;
  /** the period the report covers (epoch seconds) */
  from: number;
  to: number;
  events: number;
}

export async function buildChainReport(
  store: Store,
  options: ReportOptions & { compress?: boolean },
): Promise<ChainReport> {
  const data = await gatherReportData(store, options);
  options.onProgress?.('drawing');
  const { bytes, pages } = await renderReportPdf(data, { compress: options.compress });
  const day = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
  const safe = chainLabel(options.key).replace(/[^A-Za-z0-9._-]+/g, '_');
  return {
    fileName: `report-${safe}-${day(data.from)}-${day(data.to)}.pdf`,
    bytes,
    pages,
    from: data.from,
    to: data.to,
    events: data.events.length,
  };
}
