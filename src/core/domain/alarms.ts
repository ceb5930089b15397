/** Alarm metrics and events (ELABORATION.md §4). */

/** The metrics, in the order their events are listed at one timestamp. */
export const METRICS = ['cumulative_mm', 'velocity_mm_per_day', 'tilt_deg'] as const;

export type Metric = (typeof METRICS)[number];

export function isMetric(value: string): value is Metric {
  return (METRICS as readonly string[]).includes(value);
}

/** A change of a chain's level for one metric. */
export interface AlarmEvent {
  metric: Metric;
  timestamp: number;
  level: number;
  previousLevel: number;
  /** null for a return to level 0, and while an off-delay holds a level no node reaches */
  nodeIndex: number | null;
  value: number | null;
}
