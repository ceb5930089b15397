/** What a run is and what it reports (ELABORATION.md §5, §6). */

export const RUN_MODES = ['incremental', 'range', 'full'] as const;
export type RunMode = (typeof RUN_MODES)[number];

/** `interrupted`: its process stopped without ending it (its heartbeat is older than the lease). */
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';

/** The counts of ELABORATION.md §6, as the run report and `catena_runs` carry them. */
export interface RunCounts {
  rowsRead: number;
  rowsWritten: number;
  timestamps: number;
  invalidRows: number;
  spikeRows: number;
  heldRows: number;
  ignoredRawRows: number;
  eventsCreated: number;
}

export const RUN_COUNT_NAMES: readonly (keyof RunCounts)[] = [
  'rowsRead',
  'rowsWritten',
  'timestamps',
  'invalidRows',
  'spikeRows',
  'heldRows',
  'ignoredRawRows',
  'eventsCreated',
];

export function zeroCounts(): RunCounts {
  return {
    rowsRead: 0,
    rowsWritten: 0,
    timestamps: 0,
    invalidRows: 0,
    spikeRows: 0,
    heldRows: 0,
    ignoredRawRows: 0,
    eventsCreated: 0,
  };
}
