/**
 * The series tools' pure parts: the periods the operator picks, and what the
 * charts draw besides the lines (threshold guides, alarm event marks). The
 * words are the caller's (the console's language): a period is named by its
 * id, a mark's label by the function passed in.
 */
import type { TFunction } from 'i18next';
import type { CanvasGuide, CanvasMarker } from './components/LineCanvas.tsx';
import { levelBounds, levelColor, type ThresholdLike } from './thresholds.ts';

export interface Period {
  from: number;
  to: number;
}

export const PERIOD_PRESETS = [
  { id: 'all', seconds: null },
  { id: '1d', seconds: 86_400 },
  { id: '7d', seconds: 7 * 86_400 },
  { id: '30d', seconds: 30 * 86_400 },
] as const;
export type PresetId = (typeof PERIOD_PRESETS)[number]['id'];

/** The period of a preset ending at the chain's last elaborated time; null = the newest rows, unbounded. */
export function presetPeriod(id: PresetId, last: number | null): Period | null {
  const preset = PERIOD_PRESETS.find((p) => p.id === id);
  if (!preset || preset.seconds === null || last === null) return null;
  return { from: last - preset.seconds, to: last };
}

/** A zoom the operator asked for, kept inside what there is to see and at least a minute long. */
export function clampZoom(from: number, to: number, bounds: Period | null): Period {
  let a = Math.floor(Math.min(from, to));
  let b = Math.ceil(Math.max(from, to));
  if (bounds) {
    a = Math.max(a, bounds.from);
    b = Math.min(b, bounds.to);
  }
  if (b - a < 60) b = a + 60;
  return { from: a, to: b };
}

/** A metric's level bounds for a node as horizontal lines ("L1 10", the value written by `fmt`: "L1 2,5" in Italian). */
export function thresholdGuides(
  thresholds: readonly ThresholdLike[],
  node: number,
  metric: string,
  fmt: (value: number) => string = String,
): CanvasGuide[] {
  return levelBounds(thresholds, node, metric).map((b) => ({
    value: b.value,
    color: levelColor(b.level),
    label: `L${b.level} ${fmt(b.value)}`,
  }));
}

export interface EventLike {
  metric: string;
  timestamp: number;
  level: number;
  previousLevel: number;
  nodeIndex: number | null;
}

/** The events of `metric` as vertical marks, coloured by the level the chain went to, labelled by `label`. */
export function eventMarkers(
  events: readonly EventLike[],
  metric: string,
  label: (event: EventLike) => string,
): CanvasMarker[] {
  return events
    .filter((e) => e.metric === metric)
    .map((e) => ({ t: e.timestamp, color: levelColor(e.level), label: label(e) }));
}

/** An event mark's words in the console's language (`t`: i18next's, passed in so that this module stays pure). */
export function eventMarkLabel(t: TFunction, e: EventLike): string {
  const words = { metric: e.metric, from: e.previousLevel, to: e.level };
  return e.nodeIndex === null
    ? t('series.eventMark', words)
    : t('series.eventMarkNode', { ...words, node: e.nodeIndex });
}
