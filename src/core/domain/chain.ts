/** A chain is identified by its control unit and its letter (ELABORATION.md §1). */
export interface ChainKey {
  controlUnitCode: string;
  chain: string;
}

/** A chain's display name as operators write it: `CU001-A`. */
export function chainLabel(key: ChainKey): string {
  return `${key.controlUnitCode}-${key.chain}`;
}
