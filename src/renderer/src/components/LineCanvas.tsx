import { type KeyboardEvent, memo, type PointerEvent, useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { COLORS, tickNumber } from '../chart.ts';
import { saveSvgText, saveSvgTextAsPng } from '../chart-export.ts';
import { fmtDate, fmtInt, fmtNum, fmtTime, fmtTimeShort } from '../format.ts';
import { type ChartFormat, ChartSave } from './ChartSave.tsx';
import './line-canvas.css';

export interface CanvasLine {
  name: string;
  color: string;
  values: Float64Array;
  /** the line's own timestamps (another node's series); absent = the chart's */
  t?: Float64Array;
}

/** A horizontal line across the plot (an alarm threshold). */
export interface CanvasGuide {
  value: number;
  color: string;
  label: string;
}

/** A vertical mark at a time (an alarm event). */
export interface CanvasMarker {
  t: number;
  color: string;
  label: string;
}

/** What a chart draws besides its lines. */
export interface CanvasExtras {
  guides: readonly CanvasGuide[];
  markers: readonly CanvasMarker[];
}

const NO_EXTRAS: CanvasExtras = { guides: [], markers: [] };

const MARGIN = { top: 6, right: 12, bottom: 20, left: 56 };
const FONT = '11px system-ui, sans-serif';

/** About `count` round steps over [min, max]: 1, 2 or 5 times a power of ten. */
export function niceTicks(min: number, max: number, count: number): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step)
    ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return ticks;
}

const DAY = 86_400;
/** Time steps a chart's ticks take: round hours and days, in UTC. */
const TIME_STEPS = [
  600,
  1800,
  3600,
  2 * 3600,
  6 * 3600,
  12 * 3600,
  DAY,
  2 * DAY,
  7 * DAY,
  14 * DAY,
  30 * DAY,
  91 * DAY,
];

/** About `count` ticks over [t0, t1] (epoch seconds) at a round step, on its multiples (days at midnight UTC). */
export function timeTicks(t0: number, t1: number, count: number): number[] {
  if (!(t1 > t0)) return [t0];
  const raw = (t1 - t0) / Math.max(1, count);
  const step = TIME_STEPS.find((s) => s >= raw) ?? Math.ceil(raw / (365 * DAY)) * 365 * DAY;
  const ticks: number[] = [];
  for (let v = Math.ceil(t0 / step) * step; v <= t1; v += step) ticks.push(v);
  return ticks;
}

/** The value range drawn: the lines', padded 5 %, out to the next threshold either side. */
export function extent(lines: readonly CanvasLine[], guides: readonly CanvasGuide[] = []): [number, number] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const line of lines) {
    for (const v of line.values) {
      if (!Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (min > max) return [0, 1];
  // the next threshold above and below the values is in the picture (how far they are from it is what the
  // operator reads); the ones beyond it would only flatten the lines
  const above = guides.filter((g) => g.value >= max).map((g) => g.value);
  const below = guides.filter((g) => g.value <= min).map((g) => g.value);
  if (above.length > 0) max = Math.min(...above);
  if (below.length > 0) min = Math.max(...below);
  if (min === max) return [min - 1, max + 1];
  const pad = (max - min) * 0.05;
  return [min - pad, max + pad];
}

/** The first and last time over the chart's timestamps and the lines' own. */
export function timeSpan(t: Float64Array, lines: readonly CanvasLine[]): [number, number] | null {
  let t0 = Number.POSITIVE_INFINITY;
  let t1 = Number.NEGATIVE_INFINITY;
  for (const ts of [t, ...lines.map((l) => l.t ?? t)]) {
    if (ts.length === 0) continue;
    if (ts[0]! < t0) t0 = ts[0]!;
    if (ts[ts.length - 1]! > t1) t1 = ts[ts.length - 1]!;
  }
  return t0 <= t1 ? [t0, t1] : null;
}

/** The index of the point nearest to time `t` (t sorted). */
function nearest(t: Float64Array, at: number): number {
  let lo = 0;
  let hi = t.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t[mid]! < at) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs(t[lo - 1]! - at) <= Math.abs(t[lo]! - at)) return lo - 1;
  return lo;
}

/** Draws the chart on the canvas at its CSS size (the pixels follow the screen's ratio). */
function paint(
  el: HTMLCanvasElement,
  size: { width: number; height: number },
  t: Float64Array,
  lines: readonly CanvasLine[],
  multiDay: boolean,
  cursor: number | null,
  extras: CanvasExtras,
  /** the language the ticks are written in (tickNumber reads it): a change is a redraw */
  _lang: string,
): void {
  const { width, height } = size;
  const ratio = window.devicePixelRatio || 1;
  // the same size is not set again: a redraw (the cursor moving) leaves the element alone
  if (el.width !== Math.round(width * ratio)) el.width = Math.round(width * ratio);
  if (el.height !== Math.round(height * ratio)) el.height = Math.round(height * ratio);
  const ctx = el.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const left = MARGIN.left;
  const right = width - MARGIN.right;
  const top = MARGIN.top;
  const bottom = height - MARGIN.bottom;
  const span = timeSpan(t, lines);
  if (right <= left || bottom <= top || span === null) {
    return;
  }
  const [t0, t1] = span;
  const [y0, y1] = extent(lines, extras.guides);
  const x = (v: number) => (t1 === t0 ? (left + right) / 2 : left + ((v - t0) / (t1 - t0)) * (right - left));
  const y = (v: number) => bottom - ((v - y0) / (y1 - y0)) * (bottom - top);

  ctx.font = FONT;
  ctx.lineWidth = 1;
  ctx.setLineDash([2, 3]);
  ctx.strokeStyle = COLORS.grid;
  ctx.fillStyle = COLORS.axis;
  // value axis
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const v of niceTicks(y0, y1, Math.max(2, Math.floor((bottom - top) / 40)))) {
    const py = Math.round(y(v)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(left, py);
    ctx.lineTo(right, py);
    ctx.stroke();
    ctx.fillText(tickNumber(v), left - 6, py);
  }
  // time axis
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const v of timeTicks(t0, t1, Math.max(1, Math.floor((right - left) / 110)))) {
    const px = Math.round(x(v)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(px, top);
    ctx.lineTo(px, bottom);
    ctx.stroke();
    ctx.fillText(multiDay ? fmtDate(v) : fmtTimeShort(v), px, bottom + 4);
  }
  ctx.setLineDash([]);
  ctx.strokeStyle = COLORS.axis;
  ctx.beginPath();
  ctx.moveTo(left, bottom + 0.5);
  ctx.lineTo(right, bottom + 0.5);
  ctx.moveTo(left - 0.5, top);
  ctx.lineTo(left - 0.5, bottom);
  ctx.stroke();

  // thresholds and alarm events, dashed behind the lines
  ctx.setLineDash([6, 4]);
  ctx.textAlign = 'left';
  ctx.textBaseline = 'bottom';
  for (const g of extras.guides) {
    if (g.value < y0 || g.value > y1) continue;
    const py = Math.round(y(g.value)) + 0.5;
    ctx.strokeStyle = g.color;
    ctx.fillStyle = g.color;
    ctx.beginPath();
    ctx.moveTo(left, py);
    ctx.lineTo(right, py);
    ctx.stroke();
    ctx.fillText(g.label, left + 4, py - 1);
  }
  for (const m of extras.markers) {
    if (m.t < t0 || m.t > t1) continue;
    const px = Math.round(x(m.t)) + 0.5;
    ctx.strokeStyle = m.color;
    ctx.fillStyle = m.color;
    ctx.beginPath();
    ctx.moveTo(px, top + 6);
    ctx.lineTo(px, bottom);
    ctx.stroke();
    ctx.beginPath();
    ctx.moveTo(px - 4, top);
    ctx.lineTo(px + 4, top);
    ctx.lineTo(px, top + 6);
    ctx.fill();
  }
  ctx.setLineDash([]);

  // the lines, broken where a value is missing
  ctx.lineWidth = 1.25;
  ctx.lineJoin = 'round';
  for (const line of lines) {
    const lt = line.t ?? t;
    ctx.strokeStyle = line.color;
    ctx.beginPath();
    let pen = false;
    for (let i = 0; i < lt.length; i++) {
      const v = line.values[i]!;
      if (!Number.isFinite(v)) {
        pen = false;
        continue;
      }
      if (pen) ctx.lineTo(x(lt[i]!), y(v));
      else ctx.moveTo(x(lt[i]!), y(v));
      pen = true;
    }
    ctx.stroke();
  }
  if (cursor !== null && cursor < t.length) {
    const px = Math.round(x(t[cursor]!)) + 0.5;
    ctx.strokeStyle = COLORS.axis;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(px, top);
    ctx.lineTo(px, bottom);
    ctx.stroke();
    for (const line of lines) {
      const i = line.t ? nearest(line.t, t[cursor]!) : cursor;
      const v = line.values[i]!;
      if (!Number.isFinite(v)) continue;
      ctx.fillStyle = line.color;
      ctx.beginPath();
      ctx.arc(line.t ? x(line.t[i]!) : px, y(v), 3, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
}

const EXPORT_BACKGROUND = '#12171c';
const EXPORT_TEXT = '#d3dae2';

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * The chart as a standalone SVG document (for "Save chart as SVG/PNG"): its
 * title above, the plot as paint draws it (grid, axes, ticks, lines broken
 * where a value is missing) and the legend below. Null when nothing is drawn.
 */
export function chartSvgOf(
  title: string,
  size: { width: number; height: number },
  t: Float64Array,
  lines: readonly CanvasLine[],
  multiDay: boolean,
  extras: CanvasExtras = NO_EXTRAS,
): string | null {
  const { width, height } = size;
  const left = MARGIN.left;
  const right = width - MARGIN.right;
  const head = 22;
  const top = head + MARGIN.top;
  const bottom = head + height - MARGIN.bottom;
  const span = timeSpan(t, lines);
  if (right <= left || bottom <= top || span === null) return null;
  const [t0, t1] = span;
  const [y0, y1] = extent(lines, extras.guides);
  const x = (v: number) => (t1 === t0 ? (left + right) / 2 : left + ((v - t0) / (t1 - t0)) * (right - left));
  const y = (v: number) => bottom - ((v - y0) / (y1 - y0)) * (bottom - top);
  const f = (v: number) => v.toFixed(1);
  const total = head + height + 20;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${total}" viewBox="0 0 ${width} ${total}" font-family="system-ui, sans-serif">`,
    `<rect width="100%" height="100%" fill="${EXPORT_BACKGROUND}"/>`,
    `<text x="6" y="15" fill="${EXPORT_TEXT}" font-size="13" font-weight="600">${escapeXml(title)}</text>`,
  ];
  for (const v of niceTicks(y0, y1, Math.max(2, Math.floor((bottom - top) / 40)))) {
    out.push(
      `<line x1="${left}" x2="${right}" y1="${f(y(v))}" y2="${f(y(v))}" stroke="${COLORS.grid}" stroke-dasharray="2 3"/>`,
      `<text x="${left - 6}" y="${f(y(v) + 4)}" fill="${COLORS.axis}" font-size="11" text-anchor="end">${tickNumber(v)}</text>`,
    );
  }
  for (const v of timeTicks(t0, t1, Math.max(1, Math.floor((right - left) / 110)))) {
    out.push(
      `<line x1="${f(x(v))}" x2="${f(x(v))}" y1="${top}" y2="${bottom}" stroke="${COLORS.grid}" stroke-dasharray="2 3"/>`,
      `<text x="${f(x(v))}" y="${bottom + 14}" fill="${COLORS.axis}" font-size="11" text-anchor="middle">${multiDay ? fmtDate(v) : fmtTimeShort(v)}</text>`,
    );
  }
  out.push(
    `<path d="M${left},${bottom}H${right}M${left},${top}V${bottom}" stroke="${COLORS.axis}" fill="none"/>`,
  );
  for (const g of extras.guides) {
    if (g.value < y0 || g.value > y1) continue;
    out.push(
      `<line x1="${left}" x2="${right}" y1="${f(y(g.value))}" y2="${f(y(g.value))}" stroke="${g.color}" stroke-dasharray="6 4"/>`,
      `<text x="${left + 4}" y="${f(y(g.value) - 2)}" fill="${g.color}" font-size="11">${escapeXml(g.label)}</text>`,
    );
  }
  for (const m of extras.markers) {
    if (m.t < t0 || m.t > t1) continue;
    out.push(
      `<line x1="${f(x(m.t))}" x2="${f(x(m.t))}" y1="${top}" y2="${bottom}" stroke="${m.color}" stroke-dasharray="6 4"><title>${escapeXml(m.label)}</title></line>`,
    );
  }
  for (const line of lines) {
    const lt = line.t ?? t;
    let d = '';
    let pen = false;
    for (let i = 0; i < lt.length; i++) {
      const v = line.values[i]!;
      if (!Number.isFinite(v)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${f(x(lt[i]!))},${f(y(v))}`;
      pen = true;
    }
    if (d !== '') out.push(`<path d="${d}" stroke="${line.color}" stroke-width="1.25" fill="none"/>`);
  }
  let lx = 8;
  for (const line of lines) {
    out.push(
      `<rect x="${lx}" y="${total - 12}" width="12" height="3" fill="${line.color}"/>`,
      `<text x="${lx + 16}" y="${total - 6}" fill="${EXPORT_TEXT}" font-size="11">${escapeXml(line.name)}</text>`,
    );
    lx += 28 + line.name.length * 7;
  }
  out.push('</svg>');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${out.join('')}`;
}

/**
 * A line chart drawn on a canvas: a few milliseconds for thousands of points,
 * where an SVG chart library took hundreds (one long task per chart redraw
 * during launches). One tab stop: ←/→ move the cursor (Home/End to the ends),
 * the pointer does too; the values under the cursor are shown beside it and
 * read out to assistive technology. With `onZoom`, a drag across the plot
 * (the brush) or + and − (around the cursor) ask for another period.
 */
export const LineCanvas = memo(function LineCanvas(props: {
  title: string;
  unit: string;
  t: Float64Array;
  lines: readonly CanvasLine[];
  multiDay: boolean;
  testId: string;
  /** thresholds (horizontal) and alarm events (vertical) */
  extras?: CanvasExtras;
  /** the period the operator brushed, epoch seconds */
  onZoom?: (from: number, to: number) => void;
}) {
  const { title, unit, t, lines, multiDay, onZoom } = props;
  const { t: tr, i18n } = useTranslation();
  // the ticks are written in the console's language (a decimal comma in Italian): a switch draws again
  const lang = i18n.language;
  const extras = props.extras ?? NO_EXTRAS;
  const plot = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [size, setSize] = useState<{ width: number; height: number }>({ width: 0, height: 0 });
  const [cursor, setCursor] = useState<number | null>(null);
  const [drawn, setDrawn] = useState(false);
  /** the brush: where the drag started and where the pointer is, in CSS pixels from the canvas' left */
  const [brush, setBrush] = useState<{ from: number; to: number } | null>(null);
  /** what the last draw drew: a draw of other data or at another size is counted on the element (data-draws) */
  const lastDraw = useRef<{
    t: Float64Array;
    lines: readonly CanvasLine[];
    size: typeof size;
    draws: number;
  } | null>(null);

  useEffect(() => {
    const el = plot.current;
    if (!el) return;
    const observer = new ResizeObserver((entries) => {
      const box = entries[0]?.contentRect;
      if (box) setSize({ width: Math.floor(box.width), height: Math.floor(box.height) });
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // a new series puts the cursor away
  const [cursorOf, setCursorOf] = useState(t);
  if (cursorOf !== t) {
    setCursorOf(t);
    setCursor(null);
  }

  useEffect(() => {
    // each chart draws in a task of its own: four charts drawn at once would be one long task
    const task = setTimeout(() => {
      const el = canvas.current;
      if (!el || size.width === 0 || size.height === 0) return;
      const prev = lastDraw.current;
      if (!prev || prev.t !== t || prev.lines !== lines || prev.size !== size) {
        lastDraw.current = { t, lines, size, draws: (prev?.draws ?? 0) + 1 };
        el.dataset.draws = String(lastDraw.current.draws);
      }
      paint(el, size, t, lines, multiDay, cursor, extras, lang);
      setDrawn(true);
    }, 0);
    return () => clearTimeout(task);
  }, [size, t, lines, multiDay, cursor, extras, lang]);

  const span = timeSpan(t, lines);
  /** the time under a CSS x from the canvas' left */
  const timeAt = useCallback(
    (px: number): number | null => {
      if (!span) return null;
      const right = size.width - MARGIN.right;
      const share = Math.min(1, Math.max(0, (px - MARGIN.left) / Math.max(1, right - MARGIN.left)));
      return span[0] + share * (span[1] - span[0]);
    },
    [span, size.width],
  );
  const localX = (clientX: number) => clientX - (canvas.current?.getBoundingClientRect().left ?? 0);

  const onPointerDown = (e: PointerEvent<HTMLCanvasElement>) => {
    if (!onZoom || e.button !== 0) return;
    e.currentTarget.setPointerCapture?.(e.pointerId);
    const x = localX(e.clientX);
    setBrush({ from: x, to: x });
  };
  const onPointerMove = (e: PointerEvent<HTMLCanvasElement>) => {
    const x = localX(e.clientX);
    if (brush) setBrush({ ...brush, to: x });
    const at = timeAt(x);
    if (at !== null && t.length > 0) setCursor(nearest(t, at));
  };
  const onPointerUp = (e: PointerEvent<HTMLCanvasElement>) => {
    if (!brush || !onZoom) return;
    setBrush(null);
    const to = localX(e.clientX);
    // a click is not a zoom: the brush must span a few pixels
    if (Math.abs(to - brush.from) < 6) return;
    const a = timeAt(Math.min(brush.from, to));
    const b = timeAt(Math.max(brush.from, to));
    if (a !== null && b !== null && b > a) onZoom(Math.floor(a), Math.ceil(b));
  };
  const onKeyDown = (e: KeyboardEvent<HTMLCanvasElement>) => {
    if (t.length === 0) return;
    const last = t.length - 1;
    if (onZoom && span && (e.key === '+' || e.key === '=' || e.key === '-')) {
      e.preventDefault();
      const width = span[1] - span[0];
      const centre = cursor !== null && cursor < t.length ? t[cursor]! : (span[0] + span[1]) / 2;
      if (e.key === '-') onZoom(Math.floor(span[0] - width / 2), Math.ceil(span[1] + width / 2));
      else onZoom(Math.floor(centre - width / 4), Math.ceil(centre + width / 4));
      return;
    }
    const step = e.shiftKey ? Math.max(1, Math.round(t.length / 20)) : 1;
    const from = cursor ?? last;
    const next =
      e.key === 'ArrowLeft'
        ? Math.max(0, from - step)
        : e.key === 'ArrowRight'
          ? Math.min(last, from + step)
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? last
              : e.key === 'Escape'
                ? null
                : undefined;
    if (next === undefined) return;
    e.preventDefault();
    setCursor(next);
  };

  const save = async (format: ChartFormat) => {
    const svg = chartSvgOf(`${title} [${unit}]`, size, t, lines, multiDay, extras);
    if (svg === null) return false;
    if (format === 'svg') saveSvgText(svg, props.testId);
    else await saveSvgTextAsPng(svg, props.testId);
    return true;
  };

  const at = cursor !== null && cursor < t.length ? cursor : null;
  const valueAt = (l: CanvasLine, i: number) => (l.t ? l.values[nearest(l.t, t[i]!)] : l.values[i]);
  const readout =
    at === null
      ? null
      : `${fmtTime(t[at]!)} · ${lines.map((l) => `${l.name} ${fmtNum(valueAt(l, at), 3)}`).join(' · ')}`;
  const label = `${tr('chart.canvasPoints', { title, unit, points: fmtInt(t.length) })}${
    span ? ` ${tr('chart.canvasSpan', { from: fmtTime(span[0]), to: fmtTime(span[1]) })}` : ''
  }; ${tr('chart.canvasKeys')}${onZoom ? `, ${tr('chart.canvasZoomKeys')}` : ''}`;

  return (
    <div className="chart" data-testid={props.testId}>
      <ChartSave save={save} />
      <div className="chart-title">
        {title} <span className="muted">[{unit}]</span>
        {lines.length > 1 ? (
          <span className="chart-legend">
            {lines.map((l) => (
              <span key={l.name} style={{ color: l.color }}>
                ― {l.name}
              </span>
            ))}
          </span>
        ) : null}
      </div>
      <div className="chart-plot canvas-plot" ref={plot}>
        <canvas
          ref={canvas}
          style={{ width: size.width, height: size.height }}
          data-drawn={drawn && span !== null ? 'true' : 'false'}
          data-points={t.length}
          role="img"
          aria-label={label}
          tabIndex={0}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerLeave={() => {
            if (!brush) setCursor(null);
          }}
          onKeyDown={onKeyDown}
        />
        {brush ? (
          <div
            className="chart-brush"
            style={{ left: Math.min(brush.from, brush.to), width: Math.abs(brush.to - brush.from) }}
          />
        ) : null}
        {readout ? (
          <div className="chart-readout" aria-live="polite">
            {readout}
          </div>
        ) : null}
      </div>
    </div>
  );
});
