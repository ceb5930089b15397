import { type KeyboardEvent, lazy, memo, Suspense, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CatenaApi } from '../../../contract/methods.ts';
import type { ChainKey } from '../../../contract/types.ts';
import { chainLabel } from '../../../contract/types.ts';
import type { LiveSubscribe } from '../api/live.ts';
import { fmtTime, getDisplayZone } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { AlarmPanel } from './AlarmPanel.tsx';
import { EventsTable } from './EventsTable.tsx';
import { ReportButton } from './ReportButton.tsx';
import { RunsTable } from './RunsTable.tsx';

// the charts (and Recharts with them) are loaded with the first screen that draws one: the stations load first
const TimeSeriesCharts = lazy(() =>
  import('./TimeSeriesCharts.tsx').then((m) => ({ default: m.TimeSeriesCharts })),
);
const ProfileChart = lazy(() => import('./ProfileChart.tsx').then((m) => ({ default: m.ProfileChart })));
const QualityPanel = lazy(() => import('./QualityPanel.tsx').then((m) => ({ default: m.QualityPanel })));
const LiveView = lazy(() => import('./LiveView.tsx').then((m) => ({ default: m.LiveView })));

export type ResultsTab = 'series' | 'profile' | 'alarms' | 'events' | 'runs' | 'quality' | 'live';
const TABS: readonly ResultsTab[] = ['series', 'profile', 'alarms', 'events', 'runs', 'quality', 'live'];

/**
 * One chain's results in tabs (WAI-ARIA tabs pattern: one tab stop, ←/→/Home/End
 * move and select). The chosen tab is the caller's, so it is kept across chains.
 * Memoised: a render of the page (progress of a launch) does not redraw the
 * charts unless this chain's props changed.
 */
export const ChainResults = memo(function ChainResults(props: {
  api: CatenaApi;
  chainKey: ChainKey;
  siteName: string | null;
  /** the chain's last elaborated timestamp */
  last: number | null;
  /** bumped when a run of this chain ended: reload */
  version: number;
  tab: ResultsTab;
  onTab(tab: ResultsTab): void;
  /** the chain's live values (the Live tab) */
  live: LiveSubscribe;
}) {
  const { t, i18n } = useTranslation();
  const { api, version, last, tab, onTab } = props;
  // the charts draw their own labels and times: a new language or time zone draws them anew
  const displayKey = `${i18n.language}/${getDisplayZone()}`;
  const key = useMemo(
    () => ({ controlUnitCode: props.chainKey.controlUnitCode, chain: props.chainKey.chain }),
    [props.chainKey.controlUnitCode, props.chainKey.chain],
  );
  const tablist = useRef<HTMLDivElement>(null);
  const onTabKey = (e: KeyboardEvent<HTMLButtonElement>) => {
    const index = TABS.indexOf(tab);
    const next =
      e.key === 'ArrowRight'
        ? (index + 1) % TABS.length
        : e.key === 'ArrowLeft'
          ? (index - 1 + TABS.length) % TABS.length
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? TABS.length - 1
              : null;
    if (next === null) return;
    e.preventDefault();
    onTab(TABS[next]!);
    tablist.current?.querySelector<HTMLElement>(`#${resultsTabId(TABS[next]!)}`)?.focus();
  };

  // the nodes and their state at the last elaborated timestamp
  const latest = useLoad(
    () => (last === null ? Promise.resolve(null) : api.series({ key, from: last, to: last })),
    [api, key, last, version],
  );

  // the same nodes after a reload are the same list: the charts below are not drawn again for it
  const nodesKey = latest.data ? [...new Set(latest.data.nodeIndex)].sort((a, b) => a - b).join(',') : '';
  const nodes = useMemo(() => (nodesKey === '' ? [] : nodesKey.split(',').map(Number)), [nodesKey]);

  // default node: the one that moved most at the last timestamp
  const defaultNode = useMemo(() => {
    const s = latest.data;
    if (!s || s.length === 0) return null;
    let best = s.nodeIndex[0]!;
    let bestValue = -1;
    for (let i = 0; i < s.length; i++) {
      const v = Math.abs(s.cumR[i] ?? 0);
      if (v > bestValue) {
        bestValue = v;
        best = s.nodeIndex[i]!;
      }
    }
    return best;
  }, [latest.data]);

  const [chosenNode, setChosenNode] = useState<number | null>(null);
  const node = chosenNode !== null && nodes.includes(chosenNode) ? chosenNode : defaultNode;

  return (
    <>
      <div className="panel-head">
        <h2>
          {t('results.title')} <span className="mono">{chainLabel(key)}</span>
        </h2>
        <span
          className="muted head-note"
          title={`${props.siteName ?? ''} · ${t('results.lastElaborated', { at: fmtTime(last) })}`}
        >
          {props.siteName ?? ''} ·{' '}
          <span data-testid="last-elaborated">{t('results.lastElaborated', { at: fmtTime(last) })}</span>
        </span>
        <ReportButton api={api} chainKey={key} disabled={last === null} />
        <div className="tabs" role="tablist" aria-label={t('results.title')} ref={tablist}>
          {TABS.map((id) => (
            <button
              key={id}
              id={resultsTabId(id)}
              type="button"
              role="tab"
              aria-selected={tab === id}
              aria-controls={tab === id ? 'results-panel' : undefined}
              tabIndex={tab === id ? 0 : -1}
              className={tab === id ? 'on' : ''}
              onClick={() => onTab(id)}
              onKeyDown={onTabKey}
            >
              {t(`results.tabs.${id}`)}
            </button>
          ))}
        </div>
      </div>
      <div
        className="tab-body"
        data-testid={`results-${tab}`}
        id="results-panel"
        role="tabpanel"
        aria-labelledby={resultsTabId(tab)}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the panel scrolls, so the keyboard must reach it (WAI-ARIA tabs)
        tabIndex={0}
      >
        {(tab === 'series' || tab === 'profile') && last === null ? (
          <p className="muted">{t('results.notElaborated')}</p>
        ) : null}
        <Suspense fallback={<p className="muted">{t('common.loadingShort')}</p>}>
          {tab === 'series' && last !== null ? (
            <TimeSeriesCharts
              key={displayKey}
              api={api}
              chainKey={key}
              nodes={nodes}
              node={node}
              onNode={setChosenNode}
              version={version}
              last={last}
            />
          ) : null}
          {tab === 'profile' && last !== null ? (
            <ProfileChart key={displayKey} api={api} chainKey={key} version={version} last={last} />
          ) : null}
          {tab === 'alarms' ? <AlarmPanel api={api} chainKey={key} version={version} /> : null}
          {tab === 'events' ? <EventsTable api={api} chainKey={key} version={version} /> : null}
          {tab === 'runs' ? <RunsTable api={api} chainKey={key} version={version} /> : null}
          {tab === 'quality' ? <QualityPanel api={api} chainKey={key} version={version} /> : null}
          {tab === 'live' ? (
            <LiveView api={api} live={props.live} chainKey={key} last={last} version={version} />
          ) : null}
        </Suspense>
        {latest.error ? (
          <p className="error-text" role="alert">
            {latest.error}
          </p>
        ) : null}
      </div>
    </>
  );
});

export function resultsTabId(tab: ResultsTab): string {
  return `results-tab-${tab}`;
}
