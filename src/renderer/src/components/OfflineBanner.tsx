import { memo } from 'react';
import type { ServiceInfo } from '../../../contract/types.ts';
import { fmtTime } from '../format.ts';

/**
 * An offline snapshot is open: results only. Says where and when it was
 * taken, so nobody takes its numbers for live ones.
 */
export const OfflineBanner = memo(function OfflineBanner({ info }: { info: ServiceInfo }) {
  const snapshot = info.snapshot;
  return (
    <div className="offline-banner" role="status" data-testid="offline-banner">
      <strong>
        {snapshot
          ? `Offline snapshot of ${snapshot.source} taken ${fmtTime(snapshot.takenAt)} UTC`
          : `Read-only database ${info.location}`}
      </strong>
      <span className="muted">
        {' '}
        — results only: launches are off. Connect to the monitoring database to elaborate.
        {snapshot && snapshot.status !== 'succeeded' ? ` The last snapshot pass ${snapshot.status}.` : ''}
      </span>
    </div>
  );
});
