/**
 * What a notification says: one event of one chain (an alarm level change,
 * or the start or end of a stale-data episode), for a person (text, in the
 * operator's language: English or Italian) and for a program (JSON).
 */
import type { ChainKey } from '../domain/chain.ts';
import { chainLabel } from '../domain/chain.ts';
import type { Lang } from '../lang.ts';
import { formatIsoTime } from '../time.ts';

// the languages live in the base, shared with the chain report (CATENA_LANG)
export { LANGS, type Lang, parseLang } from '../lang.ts';

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
  /** the operator's language (default en) */
  lang?: Lang;
}

interface Words {
  metrics: Record<string, { name: string; unit: string }>;
  backToZero(was: number): string;
  up(level: number, from: number): string;
  down(level: number, from: number): string;
  alarmIntro: string;
  staleIntro: string;
  staleBackIntro: string;
  testIntro: string;
  test: string;
  noSite: string;
  labels: {
    site: string;
    chain: string;
    metric: string;
    level: string;
    node: string;
    value: string;
    time: string;
  };
  atDepth(m: number): string;
  noDataSince(time: string): string;
  dataBack(duration: string): string;
  silentFor: string;
  lastData: string;
  day: string;
}

const WORDS: Record<Lang, Words> = {
  en: {
    metrics: {
      cumulative_mm: { name: 'cumulative displacement', unit: 'mm' },
      velocity_mm_per_day: { name: 'velocity', unit: 'mm/day' },
      tilt_deg: { name: 'tilt', unit: '°' },
      stale: { name: 'no new data', unit: 'h' },
    },
    backToZero: (was) => `back to level 0 (was ${was})`,
    up: (level, from) => `level ${level} (up from ${from})`,
    down: (level, from) => `level ${level} (down from ${from})`,
    alarmIntro: 'A Catena alarm level changed.',
    staleIntro: 'A chain stopped sending data: its newest reading is older than its limit.',
    staleBackIntro: 'A chain that had stopped sending data sends it again.',
    testIntro:
      'This is a test notification from Catena: the rule reaches you. The values below are an example.',
    test: 'test',
    noSite: '(no site name)',
    labels: {
      site: 'Site',
      chain: 'Chain',
      metric: 'Metric',
      level: 'Level',
      node: 'Node',
      value: 'Value',
      time: 'Time',
    },
    atDepth: (m) => ` at ${m} m depth`,
    noDataSince: (time) => `no new data since ${time}`,
    dataBack: (duration) => `data again after ${duration} without`,
    silentFor: 'Without data',
    lastData: 'Last data',
    day: 'd',
  },
  it: {
    metrics: {
      cumulative_mm: { name: 'spostamento cumulato', unit: 'mm' },
      velocity_mm_per_day: { name: 'velocità', unit: 'mm/giorno' },
      tilt_deg: { name: 'inclinazione', unit: '°' },
      stale: { name: 'nessun dato nuovo', unit: 'h' },
    },
    backToZero: (was) => `rientro al livello 0 (era ${was})`,
    up: (level, from) => `livello ${level} (salito da ${from})`,
    down: (level, from) => `livello ${level} (sceso da ${from})`,
    alarmIntro: 'È cambiato un livello di allarme di Catena.',
    staleIntro: 'Una catena ha smesso di inviare dati: la lettura più recente è più vecchia del suo limite.',
    staleBackIntro: 'Una catena che aveva smesso di inviare dati li invia di nuovo.',
    testIntro:
      'Questo è un messaggio di prova di Catena: la regola ti raggiunge. I valori qui sotto sono un esempio.',
    test: 'prova',
    noSite: '(sito senza nome)',
    labels: {
      site: 'Sito',
      chain: 'Catena',
      metric: 'Grandezza',
      level: 'Livello',
      node: 'Nodo',
      value: 'Valore',
      time: 'Ora',
    },
    atDepth: (m) => ` a ${m} m di profondità`,
    noDataSince: (time) => `nessun dato nuovo dal ${time}`,
    dataBack: (duration) => `di nuovo dati dopo ${duration} senza`,
    silentFor: 'Senza dati',
    lastData: 'Ultimo dato',
    day: 'g',
  },
};

const wordsOf = (n: Notification): Words => WORDS[n.lang ?? 'en'];

/** `2026-10-31 23:30 UTC` */
function humanTime(epochSeconds: number): string {
  return `${formatIsoTime(epochSeconds).slice(0, 16).replace('T', ' ')} UTC`;
}

/** hours → `45 min`, `3 h 20 min`, `31 d 4 h` (`g` in Italian) */
export function formatHours(hours: number, lang: Lang = 'en'): string {
  const minutes = Math.max(0, Math.round(hours * 60));
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  if (h < 24) return minutes % 60 === 0 ? `${h} h` : `${h} h ${minutes % 60} min`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d} ${WORDS[lang].day}` : `${d} ${WORDS[lang].day} ${h % 24} h`;
}

function describeLevel(w: Words, e: NotificationEvent): string {
  if (e.level === 0) return w.backToZero(e.previousLevel);
  if (e.level > e.previousLevel) return w.up(e.level, e.previousLevel);
  return w.down(e.level, e.previousLevel);
}

/** A stale-data episode: level 1 = started at `timestamp` (the newest raw row), 0 = data back; value = hours. */
function staleHeadline(n: Notification): string {
  const w = wordsOf(n);
  const e = n.event;
  return e.level > 0
    ? w.noDataSince(humanTime(e.timestamp))
    : w.dataBack(formatHours(e.value ?? 0, n.lang ?? 'en'));
}

export function subjectOf(n: Notification): string {
  const w = wordsOf(n);
  const e = n.event;
  const site = n.siteName ? `${n.siteName} ` : '';
  const test = n.kind === 'test' ? `[${w.test}] ` : '';
  if (e.metric === 'stale') return `${test}Catena: ${site}${chainLabel(e)} ${staleHeadline(n)}`;
  const metric = w.metrics[e.metric]?.name ?? e.metric;
  return `${test}Catena: ${site}${chainLabel(e)} ${metric} ${describeLevel(w, e)}`;
}

export function textOf(n: Notification): string {
  const w = wordsOf(n);
  const L = w.labels;
  const e = n.event;
  let rows: [string, string][];
  let intro: string;
  if (e.metric === 'stale') {
    intro = n.kind === 'test' ? w.testIntro : e.level > 0 ? w.staleIntro : w.staleBackIntro;
    rows = [
      [L.site, n.siteName ?? w.noSite],
      [L.chain, chainLabel(e)],
      [L.metric, staleHeadline(n)],
      [w.lastData, humanTime(e.timestamp)],
      [w.silentFor, formatHours(e.value ?? 0, n.lang ?? 'en')],
    ];
  } else {
    const m = w.metrics[e.metric] ?? { name: e.metric, unit: '' };
    intro = n.kind === 'test' ? w.testIntro : w.alarmIntro;
    rows = [
      [L.site, n.siteName ?? w.noSite],
      [L.chain, chainLabel(e)],
      [L.metric, m.name],
      [L.level, describeLevel(w, e)],
      [L.node, `${e.nodeIndex === null ? '—' : e.nodeIndex}${n.depthM === null ? '' : w.atDepth(n.depthM)}`],
      [L.value, e.value === null ? '—' : `${e.value}${m.unit ? ` ${m.unit}` : ''}`],
      [L.time, formatIsoTime(e.timestamp)],
    ];
  }
  // labels in a column: "Site:   Frana Nord"
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  const lines = [intro, '', ...rows.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`)];
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
    lang: n.lang ?? 'en',
    link: n.link,
  };
}

export function consoleLink(baseUrl: string | null, key: ChainKey): string | null {
  if (!baseUrl) return null;
  const base = baseUrl.replace(/\/+$/, '');
  return `${base}/#/chains/${encodeURIComponent(key.controlUnitCode)}/${encodeURIComponent(key.chain)}`;
}
