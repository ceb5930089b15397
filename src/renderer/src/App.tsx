import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { ConnectionState } from '../../contract/client.ts';
import type { ChainKey, RunRecord } from '../../contract/types.ts';
import { chainLabel } from '../../contract/types.ts';
import type { Connection } from './api/connect.ts';
import { ChainResults } from './components/ChainResults.tsx';
import { Header } from './components/Header.tsx';
import { LaunchPanel } from './components/LaunchPanel.tsx';
import { LaunchProgress } from './components/LaunchProgress.tsx';
import { StationsTable } from './components/StationsTable.tsx';
import { useLoad } from './hooks.ts';
import { launchesReducer } from './state/launches.ts';

export function App({ connection }: { connection: Connection }) {
  const { api } = connection.client;
  const [connState, setConnState] = useState<ConnectionState>(connection.state());
  const info = useLoad(() => api.info(), [api]);
  const chains = useLoad(() => api.listChains(), [api]);
  const runs = useLoad(() => api.listRuns({ limit: 500 }), [api]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [focused, setFocused] = useState<ChainKey | null>(null);
  const [launches, dispatch] = useReducer(launchesReducer, []);
  const [resultsVersion, setResultsVersion] = useState(0);

  const refreshTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const scheduleRefresh = useCallback(() => {
    clearTimeout(refreshTimer.current);
    refreshTimer.current = setTimeout(() => {
      chains.reload();
      runs.reload();
      setResultsVersion((v) => v + 1);
    }, 250);
  }, [chains.reload, runs.reload]);

  useEffect(
    () =>
      connection.client.onEvent((event) => {
        dispatch({ type: 'event', event, now: Date.now() });
        if (event.type === 'chain-finished' || event.type === 'launch-finished') scheduleRefresh();
      }),
    [connection, scheduleRefresh],
  );

  useEffect(
    () =>
      connection.onStateChange((state) => {
        setConnState(state);
        // events may have been missed while the stream was down
        if (state === 'open') scheduleRefresh();
      }),
    [connection, scheduleRefresh],
  );

  // the first chain is focused once the stations are known
  useEffect(() => {
    if (!focused && chains.data && chains.data.length > 0) setFocused(chains.data[0]!);
  }, [chains.data, focused]);

  const lastRunByChain = useMemo(() => {
    const map = new Map<string, RunRecord>();
    for (const run of runs.data ?? []) {
      const label = chainLabel(run);
      const prev = map.get(label);
      if (
        !prev ||
        run.startedAt > prev.startedAt ||
        (run.startedAt === prev.startedAt && run.runId > prev.runId)
      )
        map.set(label, run);
    }
    return map;
  }, [runs.data]);

  const selectedKeys = useMemo(
    () => (chains.data ?? []).filter((c) => selected.has(chainLabel(c))),
    [chains.data, selected],
  );

  const focusedSummary = focused
    ? (chains.data ?? []).find((c) => chainLabel(c) === chainLabel(focused))
    : undefined;

  return (
    <div className="app">
      <Header
        info={info.data}
        infoError={info.error}
        transport={connection.client.transport}
        state={connState}
      />
      <main className="layout">
        <section className="panel stations" aria-label="Stations">
          <StationsTable
            chains={chains.data}
            error={chains.error}
            loading={chains.loading}
            selected={selected}
            onSelectedChange={setSelected}
            focused={focused}
            onFocus={setFocused}
            lastRuns={lastRunByChain}
            onReload={() => {
              chains.reload();
              runs.reload();
            }}
          />
        </section>
        <aside className="side">
          <section className="panel" aria-label="Launch">
            <LaunchPanel
              api={api}
              selected={selectedKeys}
              onLaunched={(launchId, keys, mode) =>
                dispatch({ type: 'launched', launchId, chains: keys, mode, now: Date.now() })
              }
            />
          </section>
          <section className="panel progress-panel" aria-label="Progress">
            <LaunchProgress
              api={api}
              launches={launches}
              dispatch={dispatch}
              onFocus={(key) => setFocused(key)}
            />
          </section>
        </aside>
        <section className="panel results" aria-label="Results">
          {focused ? (
            <ChainResults
              key={chainLabel(focused)}
              api={api}
              chainKey={focused}
              summary={focusedSummary}
              version={resultsVersion}
            />
          ) : (
            <p className="muted">Select a chain in the stations table to see its results.</p>
          )}
        </section>
      </main>
    </div>
  );
}
