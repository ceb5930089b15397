/**
 * The datum of a chain's displacements (ELABORATION.md §3.9): the station's
 * referenceTime when set, else the chain's first plausible raw reading of an
 * enabled node. A snapshot cannot find that reading (it holds no raw rows,
 * or only those of its span), so it keeps the datum its source had.
 */
import type { ChainSetup } from '../domain/configuration.ts';
import type { Store } from './port.ts';

/** Raw rows dated before this are implausible (no such chain existed): 1990-01-01. */
export const PLAUSIBLE_FROM = 631_152_000;

/** The datum from the chain's own configuration and raw rows (the engine's t_ref). */
export async function chainDatum(store: Store, setup: ChainSetup): Promise<number | null> {
  if (setup.station.referenceTime !== null) return setup.station.referenceTime;
  const enabled = setup.nodes.filter((n) => n.enabled !== 0).map((n) => n.nodeIndex);
  const key = { controlUnitCode: setup.station.controlUnitCode, chain: setup.station.chain };
  return store.firstChainTimestamp(key, enabled, PLAUSIBLE_FROM);
}

/** The datum the outputs were computed with: a snapshot's recorded one, else chainDatum. */
export async function outputsDatum(store: Store, setup: ChainSetup): Promise<number | null> {
  const key = { controlUnitCode: setup.station.controlUnitCode, chain: setup.station.chain };
  const recorded = await store.snapshotDatum(key);
  return recorded !== undefined ? recorded : chainDatum(store, setup);
}
