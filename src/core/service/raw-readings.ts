/**
 * A node's raw readings over a period, with the acceleration in g computed
 * with the node's calibration (ELABORATION.md §3.2: g = (raw − offset) ·
 * gain), for the console's "raw against elaborated": the counts behind a
 * suspicious elaborated value. Read-only; bounded to the newest `limit` rows.
 */
import type { ChainKey } from '../domain/chain.ts';
import { chainLabel } from '../domain/chain.ts';
import type { NodeRow } from '../domain/configuration.ts';
import { CatenaError } from '../errors.ts';
import type { Store } from '../store/port.ts';
import type { NodeRawQuery, NodeRawReadings } from './types.ts';

export const RAW_READINGS_DEFAULT_LIMIT = 5_000;

/** (raw − offset) · gain, null when any of the three is missing. */
export function toG(raw: number | null, offset: number | null, gain: number | null): number | null {
  if (raw === null || offset === null || gain === null) return null;
  return (raw - offset) * gain;
}

export async function nodeRawReadings(store: Store, query: NodeRawQuery): Promise<NodeRawReadings> {
  const { key, nodeIndex } = query;
  const setup = await store.readChainSetup(key);
  if (!setup) {
    throw new CatenaError(
      'CHAIN_NOT_FOUND',
      `chain ${chainLabel(key)} is not in active_stations; check the control unit code and the chain letter`,
      key,
    );
  }
  const stored: ChainKey = { controlUnitCode: setup.station.controlUnitCode, chain: setup.station.chain };
  const node: NodeRow | undefined = setup.nodes.find((n) => n.nodeIndex === nodeIndex);
  const limit = query.limit ?? RAW_READINGS_DEFAULT_LIMIT;
  // one row more than asked says whether the period held more
  const rows = await store.readNodeRaw(
    stored,
    nodeIndex,
    { from: query.from ?? null, to: query.to ?? null },
    limit + 1,
  );
  const truncated = rows.length > limit;
  const kept = truncated ? rows.slice(rows.length - limit) : rows;
  const cal = (pick: (n: NodeRow) => number | null) => (node ? pick(node) : null);
  return {
    ...stored,
    nodeIndex,
    truncated,
    length: kept.length,
    timestamp: kept.map((r) => r.timestamp),
    rawX: kept.map((r) => r.rawX),
    rawY: kept.map((r) => r.rawY),
    rawZ: kept.map((r) => r.rawZ),
    rawT: kept.map((r) => r.rawT),
    errorCode: kept.map((r) => r.errorCode),
    gX: kept.map((r) =>
      toG(
        r.rawX,
        cal((n) => n.offsetX),
        cal((n) => n.gainX),
      ),
    ),
    gY: kept.map((r) =>
      toG(
        r.rawY,
        cal((n) => n.offsetY),
        cal((n) => n.gainY),
      ),
    ),
    gZ: kept.map((r) =>
      toG(
        r.rawZ,
        cal((n) => n.offsetZ),
        cal((n) => n.gainZ),
      ),
    ),
  };
}
