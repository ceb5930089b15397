/**
 * The series tools' pure parts: the periods the operator picks, and what the
 * charts draw besides the lines (threshold guides, alarm event marks).
 */
import type { CanvasGuide, CanvasMarker } from './components/LineCanvas.tsx';
import { levelBounds, levelColor, type ThresholdLike } from './thresholds.ts';

export interface Period {
  from: number;
  to: number;
}

export const PERIOD_PRESETS = [
  { id: 'all', label: 'newest rows', seconds: null },
  { id: '1d', label: 'last 24 h', seconds: 86_400 },
  { id: '7d', label: 'last 7 days', seconds: 7 * 86_400 },
  { id: '30d', label: 'last 30 days', seconds: 30 * 86_400 },
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

/** A metric's level bounds for a node as horizontal lines ("L1 10"). */
export function thresholdGuides(
  thresholds: readonly ThresholdLike[],
  node: number,
  metric: string,
): CanvasGuide[] {
  return levelBounds(thresholds, node, metric).map((b) => ({
    value: b.value,
    color: levelColor(b.level),
    label: `L${b.level} ${b.value}`,
  }));
}

export interface EventLike {
  metric: string;
  timestamp: number;
  level: number;
  previousLevel: number;
  nodeIndex: number | null;
}

/** The events of `metric` as vertical marks, coloured by the level the chain went to. */
export function eventMarkers(events: readonly EventLike[], metric: string): CanvasMarker[] {
  return events
    .filter((e) => e.metric === metric)
    .map((e) => ({
      t: e.timestamp,
      color: levelColor(e.level),
      label: `${metric} level ${e.previousLevel} → ${e.level}${e.nodeIndex === null ? '' : ` (node ${e.nodeIndex})`}`,
    }));
}
