import { levelBounds, levelsOf, type ThresholdLike } from './thresholds.ts';

/**
 * The profile tools' display transforms: pure functions over a chain's
 * cumulative displacements at one date, run on what the engine elaborated
 * (nothing is elaborated again).
 *
 * - Moved datum: the change since another date is the profile minus the
 *   profile at that date, node by node (both are relative to the same engine
 *   datum, so the difference is relative to the new one).
 * - Azimuth rotation: X/Y to A/B, θ = the chain's azimuthDeg, degrees
 *   clockwise from X to A: A = X·cosθ + Y·sinθ, B = −X·sinθ + Y·cosθ (θ = 0
 *   leaves X/Y as they are; θ = 90 makes A the Y axis and B = −X).
 * - Incremental: each node's own share of the cumulative displacement: its
 *   cumulative value minus that of the next node towards the fixed end (the
 *   node nearest the fixed end keeps its cumulative value).
 * - Envelope: the alarm thresholds of the displacement metric (cumulative_mm,
 *   compared with cumR) against depth, one line per level, each node's bound
 *   as the alarms reckon it (thresholds.ts).
 */

/** One node of a profile at one date, in mm; null where the node has no valid value. */
export interface ProfilePoint {
  node: number;
  /** rsn_nodes.depthM (m, increasing downward) */
  depth: number;
  x: number | null;
  y: number | null;
}

/** The same profile with the two horizontal components renamed by the caller (X/Y or A/B) and the resultant. */
export interface ShownPoint {
  node: number;
  depth: number;
  u: number | null;
  v: number | null;
  /** √(u² + v²) */
  r: number | null;
}

const minus = (a: number | null, b: number | null): number | null =>
  a === null || b === null ? null : a - b;

/** The change since the datum profile, node by node; a node missing at the datum has no value. */
export function sinceDatum(profile: readonly ProfilePoint[], datum: readonly ProfilePoint[]): ProfilePoint[] {
  const at = new Map(datum.map((p) => [p.node, p]));
  return profile.map((p) => {
    const d = at.get(p.node);
    return { ...p, x: minus(p.x, d ? d.x : null), y: minus(p.y, d ? d.y : null) };
  });
}

/** X/Y rotated by θ degrees (clockwise from X) to A/B: A = X·cosθ + Y·sinθ, B = −X·sinθ + Y·cosθ. */
export function rotate(x: number, y: number, azimuthDeg: number): { a: number; b: number } {
  const t = (azimuthDeg * Math.PI) / 180;
  const c = Math.cos(t);
  const s = Math.sin(t);
  return { a: x * c + y * s, b: -x * s + y * c };
}

/** The profile in the axes shown: X/Y as stored, or A/B when `azimuthDeg` is a number. */
export function toShown(profile: readonly ProfilePoint[], azimuthDeg: number | null): ShownPoint[] {
  return profile.map((p) => {
    if (p.x === null || p.y === null) {
      // one component alone cannot be rotated, nor make a resultant
      return {
        node: p.node,
        depth: p.depth,
        u: azimuthDeg === null ? p.x : null,
        v: azimuthDeg === null ? p.y : null,
        r: null,
      };
    }
    const { a, b } = azimuthDeg === null ? { a: p.x, b: p.y } : rotate(p.x, p.y, azimuthDeg);
    return { node: p.node, depth: p.depth, u: a, v: b, r: Math.hypot(a, b) };
  });
}

/**
 * Each node's own share of the cumulative profile: the profile sorted by
 * depth, each value minus the next node's towards the fixed end (`bottom`:
 * the deeper one; `top`: the shallower one).
 */
export function incremental(profile: readonly ProfilePoint[], fixedEnd: 'bottom' | 'top'): ProfilePoint[] {
  const sorted = [...profile].sort((a, b) => a.depth - b.depth || a.node - b.node);
  return sorted.map((p, i) => {
    const next = fixedEnd === 'bottom' ? sorted[i + 1] : sorted[i - 1];
    if (!next) return { ...p };
    return { ...p, x: minus(p.x, next.x), y: minus(p.y, next.y) };
  });
}

/** One level of the envelope: the threshold at each node's depth (nodes without one are left out). */
export interface EnvelopeLevel {
  level: number;
  points: { depth: number; value: number }[];
}

/** The thresholds of `metric` at each node's depth, one line per level, by level (thresholds.ts levelBounds). */
export function envelope(
  nodes: readonly { node: number; depth: number }[],
  thresholds: readonly ThresholdLike[],
  metric = 'cumulative_mm',
): EnvelopeLevel[] {
  const sorted = [...nodes].sort((a, b) => a.depth - b.depth || a.node - b.node);
  return levelsOf(thresholds, metric)
    .map((level) => ({
      level,
      points: sorted.flatMap((n) => {
        const bound = levelBounds(thresholds, n.node, metric).find((b) => b.level === level);
        return bound ? [{ depth: n.depth, value: bound.value }] : [];
      }),
    }))
    .filter((l) => l.points.length > 0);
}
