/** Words for the statuses that are not shown as they are named. */
const WORDS: Record<string, string> = {
  'no-data': 'no new data',
};

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status}`}>{WORDS[status] ?? status}</span>;
}

/**
 * What a finished run did, for the operator: a run that succeeded without
 * writing a row did nothing ("no new data"), which is not the same news as a
 * run that elaborated data.
 */
export function runOutcome(run: { status: string; rowsWritten: number }): string {
  return run.status === 'succeeded' && run.rowsWritten === 0 ? 'no-data' : run.status;
}
