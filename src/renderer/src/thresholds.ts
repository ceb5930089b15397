/**
 * The alarm thresholds as the charts draw them (ELABORATION.md §4): a node's
 * applicable thresholds of a metric are the chain's (nodeIndex null) and its
 * own, all together; the node is at level ℓ or above as soon as its value
 * reaches any applicable threshold of level ≥ ℓ. So the line drawn for level
 * ℓ is the smallest such value.
 */

export interface ThresholdLike {
  nodeIndex: number | null;
  metric: string;
  level: number;
  value: number;
}

export interface LevelBound {
  level: number;
  /** the value from which the node is at this level or above */
  value: number;
}

/** The bound of each level of `metric` for `node`, by level (levels without an applicable threshold left out). */
export function levelBounds(
  thresholds: readonly ThresholdLike[],
  node: number,
  metric: string,
): LevelBound[] {
  const applicable = thresholds.filter(
    (t) => t.metric === metric && (t.nodeIndex === null || t.nodeIndex === node),
  );
  const levels = [...new Set(applicable.map((t) => t.level))].sort((a, b) => a - b);
  return levels.map((level) => ({
    level,
    value: Math.min(...applicable.filter((t) => t.level >= level).map((t) => t.value)),
  }));
}

/** The levels any node of the chain has for `metric`, ascending. */
export function levelsOf(thresholds: readonly ThresholdLike[], metric: string): number[] {
  return [...new Set(thresholds.filter((t) => t.metric === metric).map((t) => t.level))].sort(
    (a, b) => a - b,
  );
}

/** Colour of an alarm level: 1 attention, 2 pre-alarm, 3 and above alarm; 0 (back to normal) grey. */
export function levelColor(level: number): string {
  if (level <= 0) return '#8b96a3';
  return ['#e3d06b', '#f2a65a', '#e06c75'][Math.min(level, 3) - 1]!;
}
