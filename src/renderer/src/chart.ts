/** Chart helpers: colours of the dark theme and axis ticks. */
import { currentLang } from './i18n/index.ts';

export const COLORS = {
  x: '#5fb3f9',
  y: '#f2a65a',
  r: '#7ed491',
  v: '#d68cf2',
  t: '#e3d06b',
  grid: '#2a323c',
  axis: '#8b96a3',
  invalid: '#e06c75',
  spike: '#f2a65a',
  spikeY: '#c7794a',
  held: '#5fb3f9',
  noref: '#8b96a3',
  gravity: '#d68cf2',
};

export const AXIS_PROPS = {
  stroke: COLORS.axis,
  tick: { fill: COLORS.axis, fontSize: 11 },
  tickLine: false,
} as const;

export const TOOLTIP_PROPS = {
  contentStyle: { background: '#1b2128', border: '1px solid #333d48', fontSize: 12, padding: '4px 8px' },
  labelStyle: { color: '#c9d1d9' },
  isAnimationActive: false,
} as const;

/** Axis tick: decimals by magnitude, so 0.25 stays 0.25 and 75 is not 75.000; a decimal comma in Italian. */
export function tickNumber(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  const text = v
    .toFixed(a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3)
    .replace(/(\.\d*?)0+$/, '$1')
    .replace(/\.$/, '');
  return currentLang() === 'it' ? text.replace('.', ',') : text;
}
