/**
 * Saving a chart as SVG or PNG, from what is on screen: the chart's SVG
 * surface, with the styles the page gives its texts written into it, a
 * background, its title above and its legend below, so the file reads the
 * same outside the console (a report, an e-mail). PNG is that SVG drawn at
 * twice the size on a canvas.
 */

import { i18n } from './i18n/index.ts';

const SVG_NS = 'http://www.w3.org/2000/svg';
const BACKGROUND = '#12171c';
const TEXT = '#d3dae2';
const TITLE_HEIGHT = 22;
const LEGEND_HEIGHT = 20;

/** The chart's main surface: the largest recharts SVG in the box (legend icons are small SVGs too). */
function surfaceOf(box: HTMLElement): SVGSVGElement | null {
  let best: SVGSVGElement | null = null;
  let bestArea = 0;
  for (const svg of box.querySelectorAll<SVGSVGElement>('svg.recharts-surface')) {
    const r = svg.getBoundingClientRect();
    if (r.width * r.height > bestArea) {
      best = svg;
      bestArea = r.width * r.height;
    }
  }
  return best;
}

/** Copies the computed text styles into a clone's text elements (the page's CSS does not travel with the file). */
function inlineTextStyles(source: SVGSVGElement, clone: SVGSVGElement): void {
  const from = source.querySelectorAll('text, tspan');
  const to = clone.querySelectorAll('text, tspan');
  for (let i = 0; i < from.length && i < to.length; i++) {
    const style = getComputedStyle(from[i]!);
    const el = to[i]!;
    if (!el.getAttribute('fill')) el.setAttribute('fill', style.fill || TEXT);
    el.setAttribute('font-family', style.fontFamily);
    el.setAttribute('font-size', style.fontSize);
  }
}

function text(
  x: number,
  y: number,
  content: string,
  size: number,
  color: string,
  weight = '400',
): SVGTextElement {
  const t = document.createElementNS(SVG_NS, 'text');
  t.setAttribute('x', String(x));
  t.setAttribute('y', String(y));
  t.setAttribute('fill', color);
  t.setAttribute('font-size', String(size));
  t.setAttribute('font-weight', weight);
  t.setAttribute('font-family', getComputedStyle(document.body).fontFamily);
  t.textContent = content;
  return t;
}

/** The chart in `box` as a standalone SVG document (text), or null when it has none drawn. */
export function chartSvg(box: HTMLElement): string | null {
  const surface = surfaceOf(box);
  if (!surface) return null;
  const { width, height } = surface.getBoundingClientRect();
  const title = box.querySelector('.chart-title')?.textContent?.trim() ?? '';
  const legend = [...box.querySelectorAll('.recharts-legend-item')].map((item) => {
    const mark = item.querySelector('path, line, rect');
    const color = mark?.getAttribute('stroke') || mark?.getAttribute('fill') || TEXT;
    return { label: item.textContent?.trim() ?? '', color };
  });
  const top = title === '' ? 0 : TITLE_HEIGHT;
  const bottom = legend.length === 0 ? 0 : LEGEND_HEIGHT;

  const doc = document.createElementNS(SVG_NS, 'svg');
  doc.setAttribute('xmlns', SVG_NS);
  doc.setAttribute('width', String(Math.ceil(width)));
  doc.setAttribute('height', String(Math.ceil(height + top + bottom)));
  doc.setAttribute('viewBox', `0 0 ${Math.ceil(width)} ${Math.ceil(height + top + bottom)}`);
  const bg = document.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', BACKGROUND);
  doc.append(bg);
  if (title !== '') doc.append(text(6, 15, title, 13, TEXT, '600'));

  const clone = surface.cloneNode(true) as SVGSVGElement;
  inlineTextStyles(surface, clone);
  clone.setAttribute('x', '0');
  clone.setAttribute('y', String(top));
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  clone.removeAttribute('style');
  clone.removeAttribute('tabindex');
  for (const el of clone.querySelectorAll('[tabindex]')) el.removeAttribute('tabindex');
  doc.append(clone);

  let x = 8;
  for (const item of legend) {
    const y = top + height + 14;
    const swatch = document.createElementNS(SVG_NS, 'rect');
    swatch.setAttribute('x', String(x));
    swatch.setAttribute('y', String(y - 8));
    swatch.setAttribute('width', '12');
    swatch.setAttribute('height', '3');
    swatch.setAttribute('fill', item.color);
    doc.append(swatch, text(x + 16, y, item.label, 11, TEXT));
    x += 28 + item.label.length * 7;
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(doc)}`;
}

function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name from a chart's name: letters, digits and dashes. */
export function chartFileName(name: string, extension: 'svg' | 'png'): string {
  const base = name.replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'chart';
  return `catena-${base}.${extension}`;
}

export function saveChartSvg(box: HTMLElement, name: string): boolean {
  const svg = chartSvg(box);
  if (svg === null) return false;
  saveSvgText(svg, name);
  return true;
}

/** Saves a standalone SVG document (text) as `catena-NAME.svg`. */
export function saveSvgText(svg: string, name: string): void {
  download(new Blob([svg], { type: 'image/svg+xml' }), chartFileName(name, 'svg'));
}

/** Draws the chart's SVG on a canvas at `scale` and saves it as PNG; false when there is no chart drawn. */
export async function saveChartPng(box: HTMLElement, name: string, scale = 2): Promise<boolean> {
  const svg = chartSvg(box);
  if (svg === null) return false;
  await saveSvgTextAsPng(svg, name, scale);
  return true;
}

/** Draws a standalone SVG document on a canvas at `scale` and saves it as `catena-NAME.png`. */
export async function saveSvgTextAsPng(svg: string, name: string, scale = 2): Promise<void> {
  // a data: URL: the page's Content-Security-Policy allows data: images, not blob: ones
  const url = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  const image = new Image();
  await new Promise<void>((resolve, reject) => {
    image.onload = () => resolve();
    image.onerror = () => reject(new Error(i18n.t('chart.imageFailed')));
    image.src = url;
  });
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(image.width * scale);
  canvas.height = Math.ceil(image.height * scale);
  const context = canvas.getContext('2d');
  if (!context) throw new Error(i18n.t('chart.noCanvas'));
  context.scale(scale, scale);
  context.drawImage(image, 0, 0);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error(i18n.t('chart.pngFailed'));
  download(blob, chartFileName(name, 'png'));
}
