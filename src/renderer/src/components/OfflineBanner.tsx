import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { ServiceInfo } from '../../../contract/types.ts';
import { fmtTime, getDisplayZone } from '../format.ts';

/**
 * An offline snapshot is open: results only. Says where and when it was
 * taken, so nobody takes its numbers for live ones.
 */
export const OfflineBanner = memo(function OfflineBanner({ info }: { info: ServiceInfo }) {
  const { t } = useTranslation();
  const snapshot = info.snapshot;
  return (
    <div className="offline-banner" role="status" data-testid="offline-banner">
      <strong>
        {snapshot
          ? t('offline.snapshot', {
              source: snapshot.source,
              at: fmtTime(snapshot.takenAt),
              zone: getDisplayZone(),
            })
          : t('offline.readOnly', { location: info.location })}
      </strong>
      <span className="muted">
        {' '}
        {t('offline.resultsOnly')}
        {snapshot && snapshot.status !== 'succeeded'
          ? ` ${t('offline.lastPass', { status: t(`status.${snapshot.status}` as 'status.failed') })}`
          : ''}
      </span>
    </div>
  );
});
