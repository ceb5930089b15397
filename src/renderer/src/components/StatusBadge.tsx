import { useTranslation } from 'react-i18next';
import { phaseWord } from '../state/phases.ts';

/** The statuses of runs and launches that have words (others are phases of a running chain). */
const KNOWN = new Set(['running', 'succeeded', 'failed', 'cancelled', 'interrupted', 'queued', 'no-data']);

export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  const word = KNOWN.has(status)
    ? t(`status.${status === 'no-data' ? 'noData' : status}` as 'status.failed')
    : phaseWord(status);
  return <span className={`badge badge-${status}`}>{word}</span>;
}

/**
 * What a finished run did, for the operator: a run that succeeded without
 * writing a row did nothing ("no new data"), which is not the same news as a
 * run that elaborated data.
 */
export function runOutcome(run: { status: string; rowsWritten: number }): string {
  return run.status === 'succeeded' && run.rowsWritten === 0 ? 'no-data' : run.status;
}
