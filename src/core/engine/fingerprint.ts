/**
 * A chain's configuration as elaborated, in one hash: the validated model
 * (parameters with their defaults, enabled nodes, thresholds). Two runs with
 * the same fingerprint computed their rows from the same configuration, so a
 * change of calibration or parameters since rows were written is visible.
 */
import { createHash } from 'node:crypto';
import type { ChainModel } from '../elaboration/types.ts';

export function configFingerprint(model: ChainModel): string {
  const thresholds = [...model.thresholds].sort(
    (a, b) =>
      a.metric.localeCompare(b.metric) ||
      a.level - b.level ||
      (a.nodeIndex ?? -1) - (b.nodeIndex ?? -1) ||
      a.value - b.value,
  );
  // Keys in a fixed order, so the hash does not depend on how the model was built.
  const canonical = JSON.stringify([
    sortedEntries(model.params),
    model.nodes.map(sortedEntries),
    thresholds.map(sortedEntries),
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

function sortedEntries(value: object): [string, unknown][] {
  return Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
