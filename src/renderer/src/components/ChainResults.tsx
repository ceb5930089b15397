import { useMemo, useState } from 'react';
import type { CatenaApi } from '../../../contract/methods.ts';
import type { ChainKey, ChainSummary } from '../../../contract/types.ts';
import { chainLabel } from '../../../contract/types.ts';
import { fmtTime } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { EventsTable } from './EventsTable.tsx';
import { ProfileChart } from './ProfileChart.tsx';
import { QualityPanel } from './QualityPanel.tsx';
import { RunsTable } from './RunsTable.tsx';
import { TimeSeriesCharts } from './TimeSeriesCharts.tsx';

type Tab = 'series' | 'profile' | 'events' | 'runs' | 'quality';
const TABS: { id: Tab; label: string }[] = [
  { id: 'series', label: 'Time series' },
  { id: 'profile', label: 'Profile' },
  { id: 'events', label: 'Alarm events' },
  { id: 'runs', label: 'Runs' },
  { id: 'quality', label: 'Data quality' },
];

export function ChainResults(props: {
  api: CatenaApi;
  chainKey: ChainKey;
  summary: ChainSummary | undefined;
  /** bumped when a run finished: reload */
  version: number;
}) {
  const { api, summary, version } = props;
  const key = useMemo(
    () => ({ controlUnitCode: props.chainKey.controlUnitCode, chain: props.chainKey.chain }),
    [props.chainKey.controlUnitCode, props.chainKey.chain],
  );
  const [tab, setTab] = useState<Tab>('series');
  const last = summary?.lastElaboratedAt ?? null;

  // the nodes and their state at the last elaborated timestamp
  const latest = useLoad(
    () => (last === null ? Promise.resolve(null) : api.series({ key, from: last, to: last })),
    [api, key, last, version],
  );

  const nodes = useMemo(() => {
    const s = latest.data;
    if (!s) return [];
    return [...new Set(s.nodeIndex)].sort((a, b) => a - b);
  }, [latest.data]);

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
          Results <span className="mono">{chainLabel(key)}</span>
        </h2>
        <span className="muted">
          {summary?.siteName ?? ''} · last elaborated {fmtTime(last)}
        </span>
        <span className="grow" />
        <div className="tabs" role="tablist">
          {TABS.map((t) => (
            <button
              key={t.id}
              type="button"
              role="tab"
              aria-selected={tab === t.id}
              className={tab === t.id ? 'on' : ''}
              onClick={() => setTab(t.id)}
            >
              {t.label}
            </button>
          ))}
        </div>
      </div>
      <div className="tab-body" data-testid={`results-${tab}`}>
        {(tab === 'series' || tab === 'profile') && last === null ? (
          <p className="muted">
            This chain has not been elaborated yet: launch a run to see its series and profile.
          </p>
        ) : null}
        {tab === 'series' && last !== null ? (
          <TimeSeriesCharts
            api={api}
            chainKey={key}
            nodes={nodes}
            node={node}
            onNode={setChosenNode}
            version={version}
          />
        ) : null}
        {tab === 'profile' && last !== null ? (
          <ProfileChart api={api} chainKey={key} version={version} last={last} />
        ) : null}
        {tab === 'events' ? <EventsTable api={api} chainKey={key} version={version} /> : null}
        {tab === 'runs' ? <RunsTable api={api} chainKey={key} version={version} /> : null}
        {tab === 'quality' ? <QualityPanel api={api} chainKey={key} version={version} /> : null}
        {latest.error ? (
          <p className="error-text" role="alert">
            {latest.error}
          </p>
        ) : null}
      </div>
    </>
  );
}
