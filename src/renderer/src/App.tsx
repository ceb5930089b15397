import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectionState } from '../../contract/client.ts';
import type { EngineEvent } from '../../contract/events.ts';
import type { ChainKey, ChainResult, RunMode, RunRecord } from '../../contract/types.ts';
import { chainLabel } from '../../contract/types.ts';
import { useCanWrite } from './access.ts';
import type { Connection } from './api/connect.ts';
import { ChainResults, type ResultsTab } from './components/ChainResults.tsx';
import { ConnectionsDialog } from './components/ConnectionsDialog.tsx';
import { Header } from './components/Header.tsx';
import { LaunchPanel } from './components/LaunchPanel.tsx';
import { LaunchProgress } from './components/LaunchProgress.tsx';
import { NotifyRulesPanel } from './components/NotifyRulesPanel.tsx';
import { OfflineBanner } from './components/OfflineBanner.tsx';
import { ReadOnlyNote } from './components/ReadOnlyNote.tsx';
import { StationsTable } from './components/StationsTable.tsx';
import { setDisplayZone } from './format.ts';
import { useLoad } from './hooks.ts';
import { currentLang, DISPLAY_CHANGED, i18n, type Lang, setLang } from './i18n/index.ts';
import { launchesReducer } from './state/launches.ts';
import { useChainLevels } from './state/levels.ts';
import {
  countRows,
  filterRows,
  NO_FILTER,
  type OverviewFilter,
  type OverviewSort,
  overviewRow,
  type StateFilter,
  sortRows,
} from './state/overview.ts';
import { initialZoneMode, saveZoneMode, shownZone, type ZoneMode } from './time-zone.ts';

/** Progress events are folded at most once per frame; this bounds the wait when frames do not run (hidden tab). */
const FLUSH_FALLBACK_MS = 200;
/** A running run whose heartbeat is older than this is taken as abandoned, not restored. */
const RUN_ALIVE_SECONDS = 300;

/** An ended run as the result its chain-finished event carried (what a page that reloaded missed). */
function runResult(run: RunRecord): ChainResult {
  return {
    controlUnitCode: run.controlUnitCode,
    chain: run.chain,
    runId: run.runId,
    // a run the service found abandoned ('interrupted') did not succeed
    status: run.status === 'succeeded' || run.status === 'cancelled' ? run.status : 'failed',
    durationMs: ((run.endedAt ?? run.startedAt) - run.startedAt) * 1000,
    spanFrom: run.spanFrom,
    spanTo: run.spanTo,
    phase: run.phase as ChainResult['phase'],
    errorCode: run.errorCode,
    message: run.message,
    warnings: [],
    rowsRead: run.rowsRead,
    rowsWritten: run.rowsWritten,
    timestamps: run.timestamps,
    invalidRows: run.invalidRows,
    spikeRows: run.spikeRows,
    heldRows: run.heldRows,
    ignoredRawRows: run.ignoredRawRows,
    eventsCreated: run.eventsCreated,
  };
}

export function App({ connection }: { connection: Connection }) {
  const { t } = useTranslation();
  const { api } = connection.client;
  const [lang, setLangState] = useState<Lang>(currentLang);
  const onLang = useCallback((next: Lang) => {
    setLang(next);
    setLangState(next);
  }, []);
  const [zoneMode, setZoneMode] = useState<ZoneMode>(initialZoneMode);
  const onZoneMode = useCallback((mode: ZoneMode) => {
    saveZoneMode(mode);
    setZoneMode(mode);
  }, []);
  const [connState, setConnState] = useState<ConnectionState>(connection.state());
  const info = useLoad(() => api.info(), [api]);
  const chains = useLoad(() => api.listChains(), [api]);
  const runs = useLoad(() => api.listRuns({ limit: 500 }), [api]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [focused, setFocused] = useState<ChainKey | null>(null);
  const [tab, setTab] = useState<ResultsTab>('series');
  const [launches, dispatch] = useReducer(launchesReducer, []);
  const [filter, setFilter] = useState<OverviewFilter>(NO_FILTER);
  const [sort, setSort] = useState<OverviewSort>('worst');
  const [nowSeconds, setNowSeconds] = useState(() => Date.now() / 1000);
  const [connectionsOpen, setConnectionsOpen] = useState(false);

  // ages ("last data 31 d ago") move on by themselves
  useEffect(() => {
    const timer = setInterval(() => setNowSeconds(Date.now() / 1000), 60_000);
    return () => clearInterval(timer);
  }, []);

  /**
   * What may have changed a chain's results: a run of it that ended (per
   * chain), or events missed while the stream was down (all chains). Only the
   * chains whose version moves reload their results and alarm levels.
   */
  const [versions, setVersions] = useState<{ all: number; chain: ReadonlyMap<string, number> }>({
    all: 0,
    chain: new Map(),
  });
  const bump = useCallback((labels: string[] | 'all') => {
    setVersions((v) => {
      if (labels === 'all') return { ...v, all: v.all + 1 };
      const chain = new Map(v.chain);
      for (const label of labels) chain.set(label, (chain.get(label) ?? 0) + 1);
      return { ...v, chain };
    });
  }, []);
  const versionOf = useCallback(
    (label: string) => versions.all + (versions.chain.get(label) ?? 0),
    [versions],
  );

  const refreshTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const scheduleRefresh = useCallback(() => {
    clearTimeout(refreshTimer.current);
    refreshTimer.current = setTimeout(() => {
      chains.reload();
      runs.reload();
    }, 250);
  }, [chains.reload, runs.reload]);

  // engine events are buffered and folded once per frame: a burst of progress is one render
  const pending = useRef<EngineEvent[]>([]);
  const finishedSeen = useRef(new Set<string>());
  const flushScheduled = useRef(false);
  const flush = useCallback(() => {
    flushScheduled.current = false;
    const events = pending.current;
    if (events.length === 0) return;
    pending.current = [];
    dispatch({ type: 'events', events, now: Date.now() });
    const ended: string[] = [];
    for (const event of events) {
      if (event.type === 'chain-finished') {
        finishedSeen.current.add(`${event.launchId}/${chainLabel(event.result)}`);
        ended.push(chainLabel(event.result));
      } else if (event.type === 'launch-finished') {
        // chains whose own chain-finished this page did not see
        for (const result of event.results) {
          const id = `${event.launchId}/${chainLabel(result)}`;
          if (!finishedSeen.current.has(id)) ended.push(chainLabel(result));
          finishedSeen.current.delete(id);
        }
      }
    }
    if (ended.length > 0) {
      bump(ended);
      scheduleRefresh();
    }
  }, [bump, scheduleRefresh]);

  /**
   * Launches this page did not start (a reload mid-launch, another window)
   * get their mode, span and chains from the runs table, once each.
   */
  const restoring = useRef(new Set<string>());
  const restore = useCallback(
    (launchId: string) => {
      if (restoring.current.has(launchId)) return;
      restoring.current.add(launchId);
      const apply = (records: RunRecord[]) => {
        const first = records[0];
        if (!first) return;
        dispatch({
          type: 'restored',
          launchId,
          mode: first.mode,
          span: first.mode === 'range' ? { from: first.spanFrom, to: first.spanTo } : null,
          chains: records.map((r) => ({ controlUnitCode: r.controlUnitCode, chain: r.chain })),
          ended: records.filter((r) => r.status !== 'running').map(runResult),
          startedAtMs: Math.min(...records.map((r) => r.startedAt)) * 1000,
        });
      };
      api.listRuns({ launchId }).then(apply, (reason: unknown) => {
        restoring.current.delete(launchId);
        console.warn(`launch ${launchId}:`, reason);
      });
    },
    [api],
  );

  // at start: the launches still running
  useEffect(() => {
    const now = Date.now() / 1000;
    for (const run of runs.data ?? []) {
      // a run whose host stopped beating long ago is not coming back
      const alive = run.heartbeatAt === null || now - run.heartbeatAt < RUN_ALIVE_SECONDS;
      if (run.status === 'running' && alive) restore(run.launchId);
    }
  }, [runs.data, restore]);

  useEffect(
    () =>
      connection.client.onEvent((event) => {
        // a launch seen from its start needs nothing from the runs table
        if (event.type === 'launch-started') restoring.current.add(event.launchId);
        else restore(event.launchId);
        pending.current.push(event);
        if (flushScheduled.current) return;
        flushScheduled.current = true;
        let done = false;
        const once = () => {
          if (done) return;
          done = true;
          flush();
        };
        requestAnimationFrame(once);
        setTimeout(once, FLUSH_FALLBACK_MS);
      }),
    [connection, flush, restore],
  );

  const everOpen = useRef(false);
  useEffect(
    () =>
      connection.onStateChange((state) => {
        setConnState(state);
        if (state !== 'open') return;
        // events may have been missed while the stream was down (not on the first open: the page just loaded)
        if (everOpen.current) {
          bump('all');
          scheduleRefresh();
        }
        everOpen.current = true;
      }),
    [connection, scheduleRefresh, bump],
  );

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

  const levelVersions = useMemo(
    () => new Map((chains.data ?? []).map((c) => [chainLabel(c), versionOf(chainLabel(c))])),
    [chains.data, versionOf],
  );
  const levels = useChainLevels(api, chains.data, levelVersions);

  const allRows = useMemo(
    () =>
      chains.data?.map((c) =>
        overviewRow(c, levels.get(chainLabel(c)) ?? null, lastRunByChain.get(chainLabel(c)), nowSeconds),
      ) ?? null,
    [chains.data, levels, lastRunByChain, nowSeconds],
  );
  const rows = useMemo(
    () => (allRows ? sortRows(filterRows(allRows, filter), sort) : null),
    [allRows, filter, sort],
  );
  const counts = useMemo(() => countRows(allRows ?? []), [allRows]);
  const sites = useMemo(
    () => [...new Set((chains.data ?? []).map((c) => c.siteName ?? ''))].filter((s) => s !== '').sort(),
    [chains.data],
  );
  const units = useMemo(
    () => [...new Set((chains.data ?? []).map((c) => c.controlUnitCode))].sort(),
    [chains.data],
  );

  // the worst chain is focused once the stations and their alarm levels are known
  const levelsKnown = (chains.data ?? []).every(
    (c) => c.lastElaboratedAt === null || levels.has(chainLabel(c)),
  );
  useEffect(() => {
    if (!focused && levelsKnown && rows && rows.length > 0) setFocused(rows[0]!.summary);
  }, [rows, focused, levelsKnown]);

  const openChain = useCallback((key: ChainKey, keyboard: boolean) => {
    setFocused({ controlUnitCode: key.controlUnitCode, chain: key.chain });
    if (keyboard) {
      // after the results rendered: the keyboard goes on in the results' tabs
      requestAnimationFrame(() =>
        document.querySelector<HTMLElement>('[role="tab"][aria-selected="true"]')?.focus(),
      );
    }
  }, []);
  const onStateFilter = useCallback((state: StateFilter) => setFilter((f) => ({ ...f, state })), []);
  const reloadStations = useCallback(() => {
    chains.reload();
    runs.reload();
    bump('all');
  }, [chains.reload, runs.reload, bump]);
  const onLaunched = useCallback(
    (
      launchId: string,
      keys: ChainKey[],
      mode: RunMode,
      span: { from: number | null; to: number | null } | null,
    ) => {
      restoring.current.add(launchId);
      dispatch({ type: 'launched', launchId, chains: keys, mode, span, now: Date.now() });
    },
    [],
  );

  const selectedKeys = useMemo(
    () => (chains.data ?? []).filter((c) => selected.has(chainLabel(c))),
    [chains.data, selected],
  );

  // an offline snapshot: results only, no launch controls
  const readOnly = info.data?.readOnly === true;
  // the read-only API token: results and progress, no launch, cancel or connection controls
  const canWrite = useCanWrite();
  const focusedLabel = focused ? chainLabel(focused) : null;
  const focusedSummary = focused
    ? (chains.data ?? []).find((c) => chainLabel(c) === focusedLabel)
    : undefined;

  // local time is the open chain's site's zone, else the first site that has one, else this computer's
  const siteZone = focusedSummary?.timeZone ?? (chains.data ?? []).find((c) => c.timeZone)?.timeZone ?? null;
  const zone = useMemo(() => shownZone(zoneMode, siteZone), [zoneMode, siteZone]);
  // set while rendering, so every time below is drawn in it; memoised screens re-render through i18n's event
  setDisplayZone(zone.zone);
  useEffect(() => {
    i18n.emit(DISPLAY_CHANGED, zone.zone);
  }, [zone.zone]);

  return (
    <div className="app">
      <Header
        info={info.data}
        infoError={info.error}
        transport={connection.client.transport}
        state={connState}
        counts={allRows ? counts : null}
        stateFilter={filter.state}
        onStateFilter={onStateFilter}
        onConnections={canWrite ? () => setConnectionsOpen(true) : undefined}
        lang={lang}
        onLang={onLang}
        zoneMode={zoneMode}
        onZoneMode={onZoneMode}
        zone={zone}
      />
      {connectionsOpen ? (
        <ConnectionsDialog
          api={api}
          info={info.data}
          selected={selectedKeys}
          onClose={() => setConnectionsOpen(false)}
          // another database: every screen starts again from it
          onConnected={() => window.location.reload()}
        />
      ) : null}
      {info.data && readOnly ? <OfflineBanner info={info.data} /> : null}
      <main className={readOnly ? 'layout offline' : 'layout'}>
        <section className="panel stations" aria-label={t('app.stations')}>
          <StationsTable
            rows={rows}
            total={chains.data?.length ?? 0}
            sites={sites}
            units={units}
            filter={filter}
            onFilter={setFilter}
            sort={sort}
            onSort={setSort}
            error={chains.error}
            loading={chains.loading}
            selected={selected}
            onSelectedChange={setSelected}
            focusedLabel={focusedLabel}
            onOpen={openChain}
            onReload={reloadStations}
          />
        </section>
        {readOnly ? null : (
          <aside className="side">
            <section className="panel launch-panel" aria-label={t('app.launch')}>
              {canWrite ? (
                <LaunchPanel api={api} selected={selectedKeys} onLaunched={onLaunched} />
              ) : (
                <ReadOnlyNote />
              )}
            </section>
            <section className="panel progress-panel" aria-label={t('app.progress')}>
              <LaunchProgress api={api} launches={launches} dispatch={dispatch} onFocus={openChain} />
            </section>
            <section className="panel rules-panel" aria-label={t('app.rules')}>
              <NotifyRulesPanel api={api} />
            </section>
          </aside>
        )}
        <section className="panel results" aria-label={t('app.results')}>
          {focused && focusedLabel ? (
            <ChainResults
              key={focusedLabel}
              api={api}
              chainKey={focused}
              siteName={focusedSummary?.siteName ?? null}
              last={focusedSummary?.lastElaboratedAt ?? null}
              version={versionOf(focusedLabel)}
              tab={tab}
              onTab={setTab}
              live={connection.live}
            />
          ) : (
            <p className="muted">{t('app.selectChain')}</p>
          )}
        </section>
      </main>
    </div>
  );
}
