/** What a notification says: one event of one chain, for a person (text) and for a program (JSON). */
import type { ChainKey } from '../domain/chain.ts';
import { chainLabel } from '../domain/chain.ts';
import { formatIsoTime } from '../time.ts';

export interface NotificationEvent extends ChainKey {
  metric: string;
  timestamp: number;
  level: number;
  previousLevel: number;
  nodeIndex: number | null;
  value: number | null;
}

export interface Notification {
  kind: 'alarm' | 'test';
  event: NotificationEvent;
  siteName: string | null;
  /** depth of the worst node, metres */
  depthM: number | null;
  /** link to the chain in the console, when a console URL is configured */
  link: string | null;
}

const METRIC_NAMES: Record<string, { name: string; unit: string }> = {
  cumulative_mm: { name: 'cumulative displacement', unit: 'mm' },
  velocity_mm_per_day: { name: 'velocity', unit: 'mm/day' },
  tilt_deg: { name: 'tilt', unit: '°' },
  stale: { name: 'no new data', unit: '' },
};

function describeLevel(e: NotificationEvent): string {
  if (e.level === 0) return `back to level 0 (was ${e.previousLevel})`;
  if (e.level > e.previousLevel) return `level ${e.level} (up from ${e.previousLevel})`;
  return `level ${e.level} (down from ${e.previousLevel})`;
}

export function subjectOf(n: Notification): string {
  const e = n.event;
  const site = n.siteName ? `${n.siteName} ` : '';
  const metric = METRIC_NAMES[e.metric]?.name ?? e.metric;
  const test = n.kind === 'test' ? '[test] ' : '';
  return `${test}Catena: ${site}${chainLabel(e)} ${metric} ${describeLevel(e)}`;
}

export function textOf(n: Notification): string {
  const e = n.event;
  const m = METRIC_NAMES[e.metric] ?? { name: e.metric, unit: '' };
  const lines = [
    n.kind === 'test'
      ? 'This is a test notification from Catena: the rule reaches you. The values below are an example.'
      : 'A Catena alarm level changed.',
    '',
    `Site:   ${n.siteName ?? '(no site name)'}`,
    `Chain:  ${chainLabel(e)}`,
    `Metric: ${m.name}`,
    `Level:  ${describeLevel(e)}`,
    `Node:   ${e.nodeIndex === null ? '—' : e.nodeIndex}${n.depthM === null ? '' : ` at ${n.depthM} m depth`}`,
    `Value:  ${e.value === null ? '—' : `${e.value}${m.unit ? ` ${m.unit}` : ''}`}`,
    `Time:   ${formatIsoTime(e.timestamp)}`,
  ];
  if (n.link) lines.push('', n.link);
  return `${lines.join('\n')}\n`;
}

/** The webhook body. */
export function payloadOf(n: Notification): Record<string, unknown> {
  const e = n.event;
  return {
    type: n.kind,
    site: n.siteName,
    controlUnitCode: e.controlUnitCode,
    chain: e.chain,
    metric: e.metric,
    level: e.level,
    previousLevel: e.previousLevel,
    nodeIndex: e.nodeIndex,
    depthM: n.depthM,
    value: e.value,
    timestamp: formatIsoTime(e.timestamp),
    subject: subjectOf(n),
    link: n.link,
  };
}

export function consoleLink(baseUrl: string | null, key: ChainKey): string | null {
  if (!baseUrl) return null;
  const base = baseUrl.replace(/\/+$/, '');
  return `${base}/#/chains/${encodeURIComponent(key.controlUnitCode)}/${encodeURIComponent(key.chain)}`;
}
