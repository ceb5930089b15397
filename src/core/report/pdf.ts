/**
 * Draws a chain report (data.ts) as an A4 PDF with pdfkit: text in the PDF
 * standard fonts (Helvetica, nothing embedded), charts as vector paths. The
 * same bytes whichever host asks (CLI, HTTP service, desktop app), with no
 * browser.
 */
import PDFDocument from 'pdfkit';
import type { ThresholdRow } from '../domain/configuration.ts';
import { isoMinute, type NodeSeries, type Profile, type ReportData } from './data.ts';
import { REPORT_WORDS, type ReportWords } from './words.ts';

type Doc = PDFKit.PDFDocument;

/** The flag counts of NodeFlagCounts, in bit order (ELABORATION.md §3.13). */
const FLAG_NAMES = ['invalid', 'spikeX', 'spikeY', 'held', 'noReference', 'gravity'] as const;

export interface PdfOptions {
  /** false writes the content streams uncompressed (tests read the text) */
  compress?: boolean;
}

/**
 * The words of the report being drawn. Set at the start of renderReportPdf:
 * drawing is synchronous up to doc.end(), so two reports never interleave,
 * and every block and number helper reads the language without passing it down.
 */
let words: ReportWords = REPORT_WORDS.en;

const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = 42;
const CONTENT_W = PAGE.width - 2 * MARGIN;
const BOTTOM = PAGE.height - 54;

const INK = '#1d2433';
const MUTED = '#5b6475';
const RULE = '#c9ced8';
const GRID = '#e6e9ef';
const ACCENT = '#1f4e79';
const BAND = '#f2f4f8';
const DATE_COLORS = ['#7a8394', '#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf'];
const SERIES_COLORS = { cumX: '#1f77b4', cumY: '#2ca02c', cumR: '#d62728' };
const LEVEL_COLORS: Record<number, string> = { 1: '#d9a400', 2: '#e8590c', 3: '#c92a2a' };
const levelColor = (level: number) => LEVEL_COLORS[level] ?? '#862e9c';

export async function renderReportPdf(
  data: ReportData,
  options: PdfOptions = {},
): Promise<{
  bytes: Buffer;
  pages: number;
}> {
  words = REPORT_WORDS[data.lang];
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    bufferPages: true,
    compress: options.compress ?? true,
    info: {
      Title: words.title(data.label),
      Author: 'Catena',
      Subject: `${data.label} ${isoMinute(data.from)} ${words.to} ${isoMinute(data.to)}`,
      Creator: 'Catena',
      CreationDate: new Date(data.generatedAt * 1000),
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const w = new Writer(doc);
  headerBlock(w, data);
  summaryBlock(w, data);
  profilesBlock(w, data, 'cumulative');
  profilesBlock(w, data, 'incremental');
  seriesBlock(w, data);
  eventsBlock(w, data);
  qualityBlock(w, data);
  parametersBlock(w, data);

  const range = doc.bufferedPageRange();
  const pages = range.count;
  for (let i = range.start; i < range.start + pages; i++) {
    doc.switchToPage(i);
    footer(doc, data, i - range.start + 1, pages);
  }
  doc.end();
  return { bytes: await done, pages };
}

/** A cursor down the page that breaks to a new page when a block does not fit. */
class Writer {
  readonly doc: Doc;
  y = MARGIN;
  constructor(doc: Doc) {
    this.doc = doc;
  }
  /** makes room for `height` points, starting a new page when needed */
  need(height: number): void {
    if (this.y + height > BOTTOM) this.newPage();
  }
  newPage(): void {
    this.doc.addPage();
    this.y = MARGIN;
  }
  section(title: string, note?: string, following = 60): void {
    this.need(32 + following);
    const doc = this.doc;
    this.y += 6;
    doc
      .font('Helvetica-Bold')
      .fontSize(12.5)
      .fillColor(ACCENT)
      .text(title, MARGIN, this.y, { lineBreak: false });
    if (note) {
      doc.font('Helvetica').fontSize(8).fillColor(MUTED);
      doc.text(note, MARGIN, this.y + 3.5, { width: CONTENT_W, align: 'right', lineBreak: false });
    }
    this.y += 17;
    doc
      .moveTo(MARGIN, this.y)
      .lineTo(MARGIN + CONTENT_W, this.y)
      .lineWidth(0.8)
      .strokeColor(ACCENT)
      .stroke();
    this.y += 8;
  }
  paragraph(text: string, size = 8.5, color = MUTED): void {
    const doc = this.doc;
    doc.font('Helvetica').fontSize(size);
    const h = doc.heightOfString(text, { width: CONTENT_W });
    this.need(h + 4);
    doc.fillColor(color).text(text, MARGIN, this.y, { width: CONTENT_W });
    this.y += h + 4;
  }
}

// --- formatting

const fmt = (value: number | null | undefined, digits = 2): string =>
  value === null || value === undefined || !Number.isFinite(value)
    ? '—'
    : value.toFixed(digits).replace('.', words.decimal);
const fmtInt = (value: number): string => value.toLocaleString(words.decimal === ',' ? 'it-IT' : 'en-GB');
const day = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
/** why a date or node is in the report, in the report's language */
const why = (text: string): string => words.why[text] ?? text;
const dateTime = (t: number | null) => (t === null ? '—' : isoMinute(t).replace(' UTC', ''));

// --- blocks

function headerBlock(w: Writer, data: ReportData): void {
  const doc = w.doc;
  const h = 78;
  doc.rect(0, 0, PAGE.width, h + 14).fill(ACCENT);
  doc.font('Helvetica').fontSize(9).fillColor('#c9d6e8');
  doc.text(words.banner, MARGIN, 24, { lineBreak: false, characterSpacing: 1.2 });
  doc.font('Helvetica-Bold').fontSize(22).fillColor('#ffffff');
  doc.text(data.label, MARGIN, 40, { lineBreak: false });
  doc.font('Helvetica').fontSize(11).fillColor('#e8eef6');
  // the site on the left, the database on the right: each cut with an ellipsis rather than overlapping
  doc.text(data.setup.station.siteName ?? words.siteNotNamed, MARGIN, 66, {
    width: CONTENT_W * 0.64,
    height: 14,
    ellipsis: true,
    lineBreak: false,
  });
  doc.font('Helvetica').fontSize(9).fillColor('#e8eef6');
  doc.text(`${isoMinute(data.from)}  ${words.to}  ${isoMinute(data.to)}`, MARGIN, 40, {
    width: CONTENT_W,
    align: 'right',
    lineBreak: false,
  });
  doc.fillColor('#c9d6e8').fontSize(8);
  doc.text(words.generated(isoMinute(data.generatedAt)), MARGIN, 54, {
    width: CONTENT_W,
    align: 'right',
    lineBreak: false,
  });
  doc.text(data.store.location, MARGIN + CONTENT_W * 0.66, 67, {
    width: CONTENT_W * 0.34,
    height: 12,
    align: 'right',
    ellipsis: true,
    lineBreak: false,
  });
  w.y = h + 30;
}

function summaryBlock(w: Writer, data: ReportData): void {
  const doc = w.doc;
  const nodes = data.setup.nodes;
  const enabled = nodes.filter((n) => n.enabled !== 0).length;
  const latest = data.profiles[data.profiles.length - 1];
  let most: { nodeIndex: number; depth: number; cumR: number } | null = null;
  for (const p of latest?.points ?? []) {
    if (Number.isFinite(p.cumR) && (most === null || p.cumR > most.cumR)) most = p;
  }
  const rows = data.quality.reduce((s, q) => s + q.rows, 0);
  const open = data.events.filter((e) => e.level > 0 && e.acknowledgedAt === null).length;
  const maxLevel = data.events.reduce((m, e) => Math.max(m, e.level), 0);
  const cells: [string, string, string][] = [
    [
      words.summary.nodes,
      `${enabled} / ${nodes.length}`,
      words.summary.enabledFixedEnd(data.setup.station.fixedEnd ?? 'bottom'),
    ],
    [words.summary.rows, fmtInt(rows), `${day(data.from)} ${words.to} ${day(data.to)}`],
    [
      words.summary.largest,
      most ? `${fmt(most.cumR)} mm` : '—',
      most
        ? words.summary.nodeAt(most.nodeIndex, depthText(data, most.depth), dateTime(latest!.at))
        : words.summary.noValue,
    ],
    [words.summary.events, fmtInt(data.events.length), words.summary.highest(maxLevel, open)],
  ];
  const cw = CONTENT_W / cells.length;
  const h = 52;
  doc.rect(MARGIN, w.y, CONTENT_W, h).fill(BAND);
  cells.forEach(([label, value, sub], i) => {
    const x = MARGIN + i * cw + 10;
    if (i > 0) {
      doc
        .moveTo(MARGIN + i * cw, w.y + 8)
        .lineTo(MARGIN + i * cw, w.y + h - 8)
        .lineWidth(0.5)
        .strokeColor(RULE)
        .stroke();
    }
    doc
      .font('Helvetica')
      .fontSize(7.5)
      .fillColor(MUTED)
      .text(label.toUpperCase(), x, w.y + 8, {
        width: cw - 16,
        lineBreak: false,
        characterSpacing: 0.4,
      });
    doc
      .font('Helvetica-Bold')
      .fontSize(14)
      .fillColor(INK)
      .text(value, x, w.y + 19, { width: cw - 16, lineBreak: false });
    doc
      .font('Helvetica')
      .fontSize(6.8)
      .fillColor(MUTED)
      .text(sub, x, w.y + 37, { width: cw - 16, height: 12, ellipsis: true });
  });
  w.y += h + 10;
}

function depthText(data: ReportData, depth: number): string {
  return data.depthsConfigured ? `${fmt(depth, 1)} m` : words.position(depth);
}

function profilesBlock(w: Writer, data: ReportData, kind: 'cumulative' | 'incremental'): void {
  // the cumulative profiles fill the rest of the first page
  const panelH = kind === 'cumulative' ? Math.max(300, Math.min(460, BOTTOM - w.y - 60)) : 300;
  w.section(
    kind === 'cumulative' ? words.cumulativeProfiles : words.incrementalProfiles,
    kind === 'cumulative' ? words.cumulativeNote : words.incrementalNote,
    panelH + 40,
  );
  const doc = w.doc;
  const gap = 14;
  const pw = (CONTENT_W - 2 * gap) / 3;
  const top = w.y;
  const panels: { title: string; value: (p: Profile['points'][number]) => number; thresholds: boolean }[] =
    kind === 'cumulative'
      ? [
          { title: `${words.axisX}  (cumX)`, value: (p) => p.cumX, thresholds: false },
          { title: `${words.axisY}  (cumY)`, value: (p) => p.cumY, thresholds: false },
          { title: `${words.resultant}  (cumR)`, value: (p) => p.cumR, thresholds: true },
        ]
      : [
          { title: `${words.axisX}  (dispX)`, value: (p) => p.dispX, thresholds: false },
          { title: `${words.axisY}  (dispY)`, value: (p) => p.dispY, thresholds: false },
        ];
  const depths = data.profiles.flatMap((p) => p.points.map((q) => q.depth));
  const dMin = Math.min(...depths);
  const dMax = Math.max(...depths);
  const chainThresholds = data.setup.thresholds.filter(
    (t) => t.metric === 'cumulative_mm' && t.nodeIndex === null,
  );
  panels.forEach((panel, i) => {
    const values = data.profiles.flatMap((p) => p.points.map(panel.value)).filter(Number.isFinite);
    const extra = panel.thresholds ? chainThresholds.map((t) => t.value) : [];
    const lo = Math.min(0, ...values);
    const hi = Math.max(0, ...values, ...(extra.length ? [Math.min(...extra) * 1.05] : []));
    const x0 = MARGIN + i * (pw + gap);
    const box = { x: x0 + 30, y: top + 16, w: pw - 34, h: panelH - 44 };
    doc
      .font('Helvetica-Bold')
      .fontSize(8.5)
      .fillColor(INK)
      .text(panel.title, x0, top, { width: pw, align: 'center', lineBreak: false });
    const xScale = linear(niceDomain(lo, hi), box.x, box.x + box.w);
    const yScale = linear(depthDomain(dMin, dMax), box.y, box.y + box.h);
    frame(doc, box, xScale, yScale, {
      xLabel: 'mm',
      yLabel: data.depthsConfigured ? words.depthAxis : words.positionAxis,
      xFormat: (v) => trimNumber(v),
      yFormat: (v) => trimNumber(v),
    });
    // zero line
    doc.save().rect(box.x, box.y, box.w, box.h).clip();
    doc
      .moveTo(xScale.map(0), box.y)
      .lineTo(xScale.map(0), box.y + box.h)
      .lineWidth(0.7)
      .strokeColor('#9aa3b2')
      .stroke();
    if (panel.thresholds) {
      for (const t of chainThresholds) {
        const x = xScale.map(t.value);
        doc
          .moveTo(x, box.y)
          .lineTo(x, box.y + box.h)
          .lineWidth(0.9)
          .dash(3, { space: 2 })
          .strokeColor(levelColor(t.level))
          .stroke();
        doc.undash();
      }
    }
    data.profiles.forEach((profile, k) => {
      const color = DATE_COLORS[k % DATE_COLORS.length]!;
      const pts = profile.points.map((p) => ({ x: panel.value(p), y: p.depth }));
      polyline(doc, pts, xScale, yScale, color, 1.3);
      for (const p of pts) {
        if (!Number.isFinite(p.x)) continue;
        doc.circle(xScale.map(p.x), yScale.map(p.y), 1.6).fill(color);
      }
    });
    doc.restore();
    if (panel.thresholds) {
      for (const t of chainThresholds) {
        const x = xScale.map(t.value);
        if (x < box.x || x > box.x + box.w) continue;
        doc
          .font('Helvetica')
          .fontSize(6)
          .fillColor(levelColor(t.level))
          .text(`L${t.level}`, x - 10, box.y - 8, { width: 20, align: 'center', lineBreak: false });
      }
    }
  });
  if (panels.length === 2) {
    // the third column holds the legend of dates
    const x0 = MARGIN + 2 * (pw + gap);
    legendOfDates(doc, data, x0 + 6, top + 18, pw - 6);
  } else {
    legendRow(
      doc,
      data.profiles.map((p, k) => ({
        color: DATE_COLORS[k % DATE_COLORS.length]!,
        text: `${dateTime(p.at)} (${why(p.label)})`,
      })),
      top + panelH - 6,
    );
  }
  w.y = top + panelH + 18;
}

function legendOfDates(doc: Doc, data: ReportData, x: number, y: number, width: number): void {
  doc.font('Helvetica-Bold').fontSize(8).fillColor(INK).text(words.datesShown, x, y, { lineBreak: false });
  let yy = y + 16;
  data.profiles.forEach((p, k) => {
    const color = DATE_COLORS[k % DATE_COLORS.length]!;
    doc
      .moveTo(x, yy + 4)
      .lineTo(x + 16, yy + 4)
      .lineWidth(1.6)
      .strokeColor(color)
      .stroke();
    doc.circle(x + 8, yy + 4, 1.8).fill(color);
    doc
      .font('Helvetica')
      .fontSize(8)
      .fillColor(INK)
      .text(dateTime(p.at), x + 22, yy, { width: width - 22, lineBreak: false });
    doc
      .fontSize(7)
      .fillColor(MUTED)
      .text(
        p.at === p.asked ? why(p.label) : `${why(p.label)}; ${words.asked(dateTime(p.asked))}`,
        x + 22,
        yy + 10,
        {
          width: width - 22,
          lineBreak: false,
        },
      );
    yy += 26;
  });
  doc.font('Helvetica').fontSize(7).fillColor(MUTED);
  doc.text(words.profileNote, x, yy + 6, { width: width - 4 });
}

function legendRow(doc: Doc, items: { color: string; text: string; dashed?: boolean }[], y: number): void {
  doc.font('Helvetica').fontSize(7.5);
  const widths = items.map((i) => doc.widthOfString(i.text) + 30);
  const total = widths.reduce((a, b) => a + b, 0);
  let x = MARGIN + Math.max(0, (CONTENT_W - total) / 2);
  items.forEach((item, k) => {
    doc
      .moveTo(x, y + 3.5)
      .lineTo(x + 16, y + 3.5)
      .lineWidth(1.6);
    if (item.dashed) doc.dash(3, { space: 2 });
    doc.strokeColor(item.color).stroke();
    doc.undash();
    doc.fillColor(INK).text(item.text, x + 20, y, { lineBreak: false });
    x += widths[k]!;
  });
}

function seriesBlock(w: Writer, data: ReportData): void {
  const chartH = 170;
  w.section(words.timeSeries, words.timeSeriesNote, chartH + 30);
  if (data.series.length === 0) {
    w.paragraph(words.noNode);
    return;
  }
  for (const s of data.series) {
    w.need(chartH + 30);
    seriesChart(w, data, s, chartH);
  }
}

function seriesChart(w: Writer, data: ReportData, s: NodeSeries, chartH: number): void {
  const doc = w.doc;
  const top = w.y;
  doc
    .font('Helvetica-Bold')
    .fontSize(9)
    .fillColor(INK)
    .text(words.node(s.nodeIndex), MARGIN, top, { lineBreak: false });
  doc
    .font('Helvetica')
    .fontSize(8)
    .fillColor(MUTED)
    .text(
      `  ${depthText(data, s.depth)}  ·  ${why(s.reason)}  ·  ${words.rows(fmtInt(s.rows))}`,
      MARGIN + doc.font('Helvetica-Bold').fontSize(9).widthOfString(words.node(s.nodeIndex)),
      top + 1,
      { lineBreak: false },
    );
  const box = { x: MARGIN + 36, y: top + 16, w: CONTENT_W - 40, h: chartH - 44 };
  const values: number[] = [];
  for (const col of [s.cumX, s.cumY, s.cumR]) for (const v of col) if (Number.isFinite(v)) values.push(v);
  const thresholds = s.thresholds;
  const lo = Math.min(0, ...minMax(values).lo);
  const hiData = Math.max(0, ...minMax(values).hi);
  // thresholds are shown when they are within reach of the data (at most twice its extent)
  const shown = thresholds.filter(
    (t) => Math.abs(t.value) <= Math.max(2 * Math.max(Math.abs(lo), hiData), 1),
  );
  const hi = Math.max(hiData, ...shown.map((t) => t.value * 1.04));
  const xScale = linear(
    { min: data.from, max: Math.max(data.to, data.from + 1), ticks: timeTicks(data.from, data.to) },
    box.x,
    box.x + box.w,
  );
  const yScale = linear(
    niceDomain(Math.min(lo, ...shown.map((t) => t.value * 1.04)), hi),
    box.y + box.h,
    box.y,
  );
  frame(doc, box, xScale, yScale, {
    xLabel: '',
    yLabel: 'mm',
    xFormat: (v) => timeTickLabel(v, data.to - data.from),
    yFormat: (v) => trimNumber(v),
  });
  doc.save().rect(box.x, box.y, box.w, box.h).clip();
  for (const t of shown) {
    const y = yScale.map(t.value);
    doc
      .moveTo(box.x, y)
      .lineTo(box.x + box.w, y)
      .lineWidth(0.9)
      .dash(4, { space: 3 })
      .strokeColor(levelColor(t.level))
      .stroke();
    doc.undash();
  }
  for (const name of ['cumX', 'cumY', 'cumR'] as const) {
    const thin = thinSeries(s.timestamp, s[name], Math.ceil(box.w));
    polyline(doc, thin, xScale, yScale, SERIES_COLORS[name], name === 'cumR' ? 1.2 : 0.8);
  }
  doc.restore();
  for (const th of shown) {
    const y = yScale.map(th.value);
    doc
      .font('Helvetica')
      .fontSize(6.5)
      .fillColor(levelColor(th.level))
      .text(words.levelValue(th.level, trimNumber(th.value)), box.x + box.w - 90, y - 8, {
        width: 86,
        align: 'right',
        lineBreak: false,
      });
  }
  const items = [
    { color: SERIES_COLORS.cumX, text: 'cumX' },
    { color: SERIES_COLORS.cumY, text: 'cumY' },
    { color: SERIES_COLORS.cumR, text: words.resultantLegend },
    ...shown.map((th) => ({
      color: levelColor(th.level),
      text: words.thresholdLevel(th.level),
      dashed: true,
    })),
  ];
  if (thresholds.length > shown.length) {
    items.push({
      color: MUTED,
      text: words.offScale(thresholds.length - shown.length),
      dashed: true,
    });
  }
  legendRow(doc, items, box.y + box.h + 22);
  w.y = top + chartH + 4;
}

interface Column<T> {
  title: string;
  width: number;
  align?: 'left' | 'right' | 'center';
  value(row: T): string;
  color?(row: T): string | null;
}

function table<T>(
  w: Writer,
  columns: Column<T>[],
  rows: readonly T[],
  options: { zebra?: boolean; width?: number } = {},
): void {
  const doc = w.doc;
  const total = columns.reduce((s, c) => s + c.width, 0);
  const tableW = options.width ?? CONTENT_W;
  const scale = tableW / total;
  const widths = columns.map((c) => c.width * scale);
  const pad = 3;
  const head = () => {
    doc.rect(MARGIN, w.y, tableW, 16).fill(ACCENT);
    let x = MARGIN;
    columns.forEach((c, i) => {
      doc
        .font('Helvetica-Bold')
        .fontSize(7)
        .fillColor('#ffffff')
        .text(c.title, x + pad, w.y + 4.5, {
          width: widths[i]! - 2 * pad,
          align: c.align ?? 'left',
          lineBreak: false,
        });
      x += widths[i]!;
    });
    w.y += 16;
  };
  w.need(34);
  head();
  rows.forEach((row, r) => {
    doc.font('Helvetica').fontSize(7.3);
    const texts = columns.map((c) => c.value(row));
    const height = Math.max(
      13,
      ...texts.map((t, i) => doc.heightOfString(t, { width: widths[i]! - 2 * pad }) + 5),
    );
    if (w.y + height > BOTTOM) {
      w.newPage();
      head();
    }
    if (options.zebra !== false && r % 2 === 1) doc.rect(MARGIN, w.y, tableW, height).fill(BAND);
    let x = MARGIN;
    columns.forEach((c, i) => {
      doc
        .font('Helvetica')
        .fontSize(7.3)
        .fillColor(c.color?.(row) ?? INK)
        .text(texts[i]!, x + pad, w.y + 3, {
          width: widths[i]! - 2 * pad,
          align: c.align ?? 'left',
        });
      x += widths[i]!;
    });
    w.y += height;
  });
  doc
    .moveTo(MARGIN, w.y)
    .lineTo(MARGIN + tableW, w.y)
    .lineWidth(0.5)
    .strokeColor(RULE)
    .stroke();
  w.y += 8;
}

function eventsBlock(w: Writer, data: ReportData): void {
  w.section(
    words.alarmEvents,
    data.eventsTruncated
      ? words.newest(fmtInt(data.events.length))
      : words.inPeriod(fmtInt(data.events.length)),
  );
  if (data.events.length === 0) {
    w.paragraph(words.noEvents, 9, INK);
    return;
  }
  table(
    w,
    [
      { title: words.columns.timeUtc, width: 70, value: (e) => dateTime(e.timestamp) },
      { title: words.columns.metric, width: 62, value: (e) => words.metrics[e.metric] ?? e.metric },
      {
        title: words.columns.level,
        width: 34,
        align: 'center',
        value: (e) => `${e.previousLevel} > ${e.level}`,
        color: (e) => (e.level > 0 ? levelColor(e.level) : '#2b8a3e'),
      },
      {
        title: words.columns.node,
        width: 26,
        align: 'right',
        value: (e) => (e.nodeIndex === null ? '—' : String(e.nodeIndex)),
      },
      { title: words.columns.value, width: 34, align: 'right', value: (e) => fmt(e.value) },
      { title: words.columns.notified, width: 64, value: (e) => dateTime(e.notifiedAt) },
      {
        title: words.columns.acknowledged,
        width: 92,
        value: (e) =>
          e.acknowledgedAt === null
            ? e.level > 0
              ? words.notAcknowledged
              : '—'
            : words.ackBy(dateTime(e.acknowledgedAt), e.acknowledgedBy ?? '?'),
        color: (e) => (e.acknowledgedAt === null && e.level > 0 ? '#c92a2a' : null),
      },
      { title: words.columns.note, width: 90, value: (e) => e.ackNote ?? '' },
    ],
    data.events,
  );
}

function qualityBlock(w: Writer, data: ReportData): void {
  w.section(words.quality, words.qualityNote);
  const rows = [...data.quality].sort((a, b) => a.nodeIndex - b.nodeIndex);
  const total = {
    nodeIndex: -1,
    rows: 0,
    invalid: 0,
    spikeX: 0,
    spikeY: 0,
    held: 0,
    noReference: 0,
    gravity: 0,
    firstAt: 0,
    lastAt: 0,
  };
  for (const q of rows) for (const f of ['rows', ...FLAG_NAMES] as const) total[f] += q[f];
  const depthOf = new Map(data.setup.nodes.map((n) => [n.nodeIndex, n.depthM]));
  const cell = (n: number, of: number) =>
    n === 0 ? '0' : `${fmtInt(n)} (${((n / Math.max(1, of)) * 100).toFixed(1)}%)`;
  const flagColumns = FLAG_NAMES.map(
    (f): Column<(typeof rows)[number]> => ({
      title: f,
      width: 54,
      align: 'right',
      value: (q) => cell(q[f], q.rows),
      color: (q) => (q[f] > 0 ? '#a61e4d' : '#9aa3b2'),
    }),
  );
  table(
    w,
    [
      {
        title: words.columns.node,
        width: 30,
        align: 'right',
        value: (q) => (q.nodeIndex < 0 ? words.all : String(q.nodeIndex)),
      },
      {
        title: words.columns.depth,
        width: 40,
        align: 'right',
        value: (q) => (q.nodeIndex < 0 ? '' : fmt(depthOf.get(q.nodeIndex), 1)),
      },
      { title: words.columns.rows, width: 44, align: 'right', value: (q) => fmtInt(q.rows) },
      ...flagColumns,
    ],
    [...rows, total],
  );
}

function parametersBlock(w: Writer, data: ReportData): void {
  const s = data.setup.station;
  w.section(words.parameters, words.parametersNote);
  const pairs: [string, string][] = [
    [words.params.site, s.siteName ?? '—'],
    [words.params.unitChain, `${s.controlUnitCode} / ${s.chain}`],
    [words.params.active, s.active === null ? '—' : s.active !== 0 ? words.yes : words.no],
    [words.params.fixedEnd, s.fixedEnd ?? words.params.bottomDefault],
    [
      words.params.referenceTime,
      s.referenceTime === null ? words.params.firstValid : isoMinute(s.referenceTime),
    ],
    [words.params.referenceWindow, val(s.referenceWindowHours)],
    [words.params.despikeWindow, val(s.despikeWindow)],
    [words.params.despikeNSigma, val(s.despikeNSigma)],
    [words.params.despikeMinSigma, val(s.despikeMinSigmaDeg)],
    [words.params.despikeLookback, val(s.despikeLookbackHours)],
    [words.params.holdLastValid, val(s.holdLastValidHours)],
    [words.params.velocityWindow, val(s.velocityWindowHours)],
    [words.params.alarmOnDelay, val(s.alarmOnDelayHours)],
    [words.params.alarmOffDelay, val(s.alarmOffDelayHours)],
    [words.params.staleAfter, val(s.staleAfterHours)],
    [words.params.timeZone, s.timeZone ?? '—'],
    [words.params.database, `${data.store.kind} ${data.store.serverVersion}, ${data.store.location}`],
  ];
  const run = data.lastRun;
  if (run) {
    pairs.push([
      words.params.lastRun,
      `#${run.runId} ${run.mode}, ${run.status}, ${dateTime(run.startedAt)}${run.endedAt === null ? '' : ` to ${dateTime(run.endedAt)}`} on ${run.host}`,
    ]);
    pairs.push([words.params.fingerprint, run.configFingerprint ?? '—']);
  }
  // label / value, one per line
  const doc = w.doc;
  const lineH = 12.5;
  w.need(pairs.length * lineH + 8);
  pairs.forEach(([label, value], i) => {
    const y = w.y;
    if (i % 2 === 0) doc.rect(MARGIN, y - 2, CONTENT_W, lineH).fill(BAND);
    doc
      .font('Helvetica')
      .fontSize(7.5)
      .fillColor(MUTED)
      .text(label, MARGIN + 4, y + 1, { width: 130, lineBreak: false });
    doc
      .font('Helvetica')
      .fontSize(7.5)
      .fillColor(INK)
      .text(value, MARGIN + 140, y + 1, {
        width: CONTENT_W - 144,
        height: lineH,
        ellipsis: true,
        lineBreak: false,
      });
    w.y += lineH;
  });
  w.y += 10;

  const thresholds = [...data.setup.thresholds].sort(
    (a, b) =>
      a.metric.localeCompare(b.metric) || (a.nodeIndex ?? -1) - (b.nodeIndex ?? -1) || a.level - b.level,
  );
  w.need(50);
  w.doc
    .font('Helvetica-Bold')
    .fontSize(9)
    .fillColor(INK)
    .text(words.thresholds, MARGIN, w.y, { lineBreak: false });
  w.y += 14;
  if (thresholds.length === 0) {
    w.paragraph(words.noThresholds);
  } else {
    table(
      w,
      [
        {
          title: words.columns.metric,
          width: 80,
          value: (th: ThresholdRow) => words.metrics[th.metric] ?? th.metric,
        },
        {
          title: words.columns.node,
          width: 60,
          value: (th) => (th.nodeIndex === null ? words.everyNode : String(th.nodeIndex)),
        },
        {
          title: words.columns.level,
          width: 40,
          align: 'right',
          value: (t) => String(t.level),
          color: (t) => levelColor(t.level),
        },
        { title: words.columns.value, width: 60, align: 'right', value: (th) => trimNumber(th.value) },
      ],
      thresholds,
      { width: CONTENT_W * 0.6 },
    );
  }
  w.need(40);
  w.doc
    .font('Helvetica-Bold')
    .fontSize(9)
    .fillColor(INK)
    .text(words.nodes, MARGIN, w.y, { lineBreak: false });
  w.y += 14;
  const nodes = [...data.setup.nodes].sort((a, b) => a.nodeIndex - b.nodeIndex);
  table(
    w,
    [
      { title: words.columns.node, width: 30, align: 'right', value: (n) => String(n.nodeIndex) },
      { title: words.columns.depth, width: 45, align: 'right', value: (n) => fmt(n.depthM, 2) },
      {
        title: words.columns.length,
        width: 50,
        align: 'right',
        value: (n) => (n.lengthMm === null ? words.lengthDefault : trimNumber(n.lengthMm)),
      },
      {
        title: words.columns.enabled,
        width: 40,
        align: 'center',
        value: (n) => (n.enabled === 0 ? words.no : words.yes),
        color: (n) => (n.enabled === 0 ? '#c92a2a' : null),
      },
      {
        title: words.columns.axes,
        width: 30,
        align: 'center',
        value: (n) => (n.offsetZ !== null && n.gainZ !== null ? '3' : '2'),
      },
      {
        title: words.columns.gain,
        width: 90,
        align: 'right',
        value: (n) => `${val(n.gainX)} / ${val(n.gainY)}`,
      },
      {
        title: words.columns.offset,
        width: 90,
        align: 'right',
        value: (n) => `${val(n.offsetX)} / ${val(n.offsetY)}`,
      },
      {
        title: words.columns.tempCoeff,
        width: 90,
        align: 'right',
        value: (n) => `${val(n.tempCoeffX)} / ${val(n.tempCoeffY)}`,
      },
    ],
    nodes,
  );
}

const val = (v: number | null) => (v === null ? words.byDefault : trimNumber(v));

function footer(doc: Doc, data: ReportData, page: number, pages: number): void {
  const y = PAGE.height - 34;
  const bottom = doc.page.margins.bottom;
  doc.page.margins.bottom = 0;
  doc
    .moveTo(MARGIN, y - 6)
    .lineTo(MARGIN + CONTENT_W, y - 6)
    .lineWidth(0.5)
    .strokeColor(RULE)
    .stroke();
  doc.font('Helvetica').fontSize(7).fillColor(MUTED);
  doc.text(words.footer(data.label, data.setup.station.siteName ?? ''), MARGIN, y, {
    lineBreak: false,
  });
  doc.text(words.page(page, pages), MARGIN, y, { width: CONTENT_W, align: 'right', lineBreak: false });
  doc.page.margins.bottom = bottom;
}

// --- charts

interface Scale {
  min: number;
  max: number;
  ticks: number[];
  map(v: number): number;
}

interface Domain {
  min: number;
  max: number;
  ticks: number[];
}

function linear(domain: Domain, from: number, to: number): Scale {
  const span = domain.max - domain.min || 1;
  return { ...domain, map: (v) => from + ((v - domain.min) / span) * (to - from) };
}

function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const n = raw / mag;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 2.5 ? 2.5 : n <= 5 ? 5 : 10) * mag;
}

function niceDomain(lo: number, hi: number, count = 5): Domain {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return niceDomain(0, 1, count);
  if (hi - lo < 1e-9) {
    lo -= 0.5;
    hi += 0.5;
  }
  const step = niceStep(hi - lo, count);
  const min = Math.floor(lo / step) * step;
  const max = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let v = min; v <= max + step / 2; v += step) ticks.push(Math.abs(v) < step / 1e6 ? 0 : v);
  return { min, max, ticks };
}

function depthDomain(lo: number, hi: number): Domain {
  const d = niceDomain(Math.min(0, lo), hi, 8);
  return d;
}

function timeTicks(from: number, to: number): number[] {
  const span = Math.max(1, to - from);
  const steps = [
    3600,
    6 * 3600,
    12 * 3600,
    86_400,
    2 * 86_400,
    7 * 86_400,
    14 * 86_400,
    30 * 86_400,
    91 * 86_400,
    365 * 86_400,
  ];
  const step = steps.find((s) => span / s <= 8) ?? 365 * 86_400;
  const ticks: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) ticks.push(t);
  return ticks;
}

function timeTickLabel(t: number, span: number): string {
  const iso = new Date(t * 1000).toISOString();
  return span <= 2 * 86_400 ? iso.slice(5, 16).replace('T', ' ') : iso.slice(0, 10);
}

function trimNumber(v: number): string {
  if (!Number.isFinite(v)) return '—';
  return Number.parseFloat(v.toFixed(4)).toString().replace('.', words.decimal);
}

function frame(
  doc: Doc,
  box: { x: number; y: number; w: number; h: number },
  x: Scale,
  y: Scale,
  labels: { xLabel: string; yLabel: string; xFormat(v: number): string; yFormat(v: number): string },
): void {
  doc.rect(box.x, box.y, box.w, box.h).fill('#ffffff');
  doc.lineWidth(0.4).strokeColor(GRID);
  for (const t of x.ticks) {
    const px = x.map(t);
    if (px < box.x - 0.5 || px > box.x + box.w + 0.5) continue;
    doc
      .moveTo(px, box.y)
      .lineTo(px, box.y + box.h)
      .stroke();
  }
  for (const t of y.ticks) {
    const py = y.map(t);
    if (py < box.y - 0.5 || py > box.y + box.h + 0.5) continue;
    doc
      .moveTo(box.x, py)
      .lineTo(box.x + box.w, py)
      .stroke();
  }
  doc.rect(box.x, box.y, box.w, box.h).lineWidth(0.6).strokeColor('#8a93a3').stroke();
  doc.font('Helvetica').fontSize(6.5).fillColor(MUTED);
  const xTicks = x.ticks.filter((t) => {
    const px = x.map(t);
    return px >= box.x - 0.5 && px <= box.x + box.w + 0.5;
  });
  // skip labels that would overlap
  let lastRight = Number.NEGATIVE_INFINITY;
  for (const t of xTicks) {
    const text = labels.xFormat(t);
    const tw = doc.widthOfString(text);
    const px = x.map(t);
    if (px - tw / 2 < lastRight + 4) continue;
    doc.text(text, px - tw / 2, box.y + box.h + 3, { lineBreak: false });
    lastRight = px + tw / 2;
  }
  for (const t of y.ticks) {
    const py = y.map(t);
    if (py < box.y - 0.5 || py > box.y + box.h + 0.5) continue;
    doc.text(labels.yFormat(t), box.x - 30, py - 2.5, { width: 27, align: 'right', lineBreak: false });
  }
  if (labels.xLabel) {
    doc.text(labels.xLabel, box.x, box.y + box.h + 12, { width: box.w, align: 'center', lineBreak: false });
  }
  if (labels.yLabel) {
    doc.save();
    doc.rotate(-90, { origin: [box.x - 26, box.y + box.h / 2] });
    doc.text(labels.yLabel, box.x - 26 - 40, box.y + box.h / 2 - 6, {
      width: 80,
      align: 'center',
      lineBreak: false,
    });
    doc.restore();
  }
}

/** A line through the points; a non-finite value breaks it. */
function polyline(
  doc: Doc,
  points: { x: number; y: number }[],
  x: Scale,
  y: Scale,
  color: string,
  width: number,
): void {
  let drawing = false;
  let any = false;
  for (const p of points) {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) {
      drawing = false;
      continue;
    }
    const px = x.map(p.x);
    const py = y.map(p.y);
    if (drawing) doc.lineTo(px, py);
    else doc.moveTo(px, py);
    drawing = true;
    any = true;
  }
  if (any) doc.lineWidth(width).lineJoin('round').strokeColor(color).stroke();
}

/**
 * At most about 2·buckets points: each bucket of time keeps its lowest and
 * highest value in time order, so a peak is never thinned away. A bucket
 * with no value breaks the line where the data has a gap.
 */
function thinSeries(t: Float64Array, v: Float64Array, buckets: number): { x: number; y: number }[] {
  const n = t.length;
  if (n <= 2 * buckets) return Array.from(t, (time, i) => ({ x: time, y: v[i]! }));
  const first = t[0]!;
  const width = (t[n - 1]! - first) / buckets || 1;
  const out: { x: number; y: number }[] = [];
  let bucket = -1;
  let lo = -1;
  let hi = -1;
  const flush = () => {
    if (lo < 0) return;
    const pair = lo <= hi ? [lo, hi] : [hi, lo];
    for (const i of lo === hi ? [lo] : pair) out.push({ x: t[i]!, y: v[i]! });
  };
  for (let i = 0; i < n; i++) {
    const b = Math.min(buckets - 1, Math.floor((t[i]! - first) / width));
    if (b !== bucket) {
      flush();
      if (bucket >= 0 && b > bucket + 1) out.push({ x: Number.NaN, y: Number.NaN });
      bucket = b;
      lo = -1;
      hi = -1;
    }
    const value = v[i]!;
    if (!Number.isFinite(value)) continue;
    if (lo < 0 || value < v[lo]!) lo = i;
    if (hi < 0 || value > v[hi]!) hi = i;
  }
  flush();
  return out;
}

function minMax(values: number[]): { lo: number[]; hi: number[] } {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return { lo: Number.isFinite(lo) ? [lo] : [], hi: Number.isFinite(hi) ? [hi] : [] };
}
