import { memo, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import type { ConnectionState } from '../../../contract/client.ts';
import type { CatenaApi } from '../../../contract/methods.ts';
import type { ChainKey } from '../../../contract/types.ts';
import type { LiveRow, LiveSubscribe } from '../api/live.ts';
import { AXIS_PROPS, COLORS, tickNumber } from '../chart.ts';
import { errorMessage, fmtClock, fmtNum, fmtTime, fmtTimeShort, getDisplayZone } from '../format.ts';
import { ChartBox } from './ChartBox.tsx';

/** The windows offered, in hours of data before the newest elaborated timestamp. */
const WINDOWS = [3, 12, 24, 72] as const;
const DEFAULT_HOURS = 12;
/** rows read for the window at most (72 h of 50 nodes at 1-minute sampling is 216 000) */
const HISTORY_LIMIT = 250_000;

type Metric = 'alphaX' | 'alphaY' | 'temperature';
/** title: a symbol, or the key of a translated word */
const PANELS: { metric: Metric; title: string; unit: string }[] = [
  { metric: 'alphaX', title: 'αX', unit: '°' },
  { metric: 'alphaY', title: 'αY', unit: '°' },
  { metric: 'temperature', title: 'live.temperature', unit: '°C' },
];

interface Point {
  t: number;
  alphaX: number | null;
  alphaY: number | null;
  temperature: number | null;
}

interface State {
  /** per node, its points in time order */
  nodes: ReadonlyMap<number, readonly Point[]>;
  newest: number | null;
  /** live messages with rows newer than the view had when it opened (not the values sent on subscribing) */
  updates: number;
  /** when the last of them came (ms) */
  updatedAt: number | null;
}

type Action =
  | { type: 'history'; rows: LiveRow[] }
  /**
   * floor: the newest timestamp when the view opened (rows not after it are nothing new);
   * keepSeconds: the window, before the newest timestamp (older points are dropped)
   */
  | { type: 'live'; rows: LiveRow[]; at: number; floor: number | null; keepSeconds: number }
  | { type: 'reset' };

const EMPTY: State = { nodes: new Map(), newest: null, updates: 0, updatedAt: null };

function point(row: LiveRow): Point {
  return { t: row.timestamp, alphaX: row.alphaX, alphaY: row.alphaY, temperature: row.temperature };
}

/** Rows merged into per-node series: a newer point is appended, one of the same time replaces it. */
function merge(nodes: ReadonlyMap<number, readonly Point[]>, rows: LiveRow[]): Map<number, readonly Point[]> {
  const out = new Map(nodes);
  const touched = new Map<number, Point[]>();
  for (const row of [...rows].sort((a, b) => a.timestamp - b.timestamp)) {
    let list = touched.get(row.nodeIndex);
    if (!list) {
      list = [...(out.get(row.nodeIndex) ?? [])];
      touched.set(row.nodeIndex, list);
    }
    const last = list[list.length - 1];
    if (last === undefined || last.t < row.timestamp) list.push(point(row));
    else if (last.t === row.timestamp) list[list.length - 1] = point(row);
    // an older row (a re-elaboration rewriting the past) comes with the reload at the run's end
  }
  for (const [node, list] of touched) out.set(node, list);
  return out;
}

/** The points at or after `from`: a live view that stays open for days keeps only its window. */
function trim(nodes: Map<number, readonly Point[]>, from: number): Map<number, readonly Point[]> {
  for (const [node, list] of nodes) {
    if (list.length === 0 || list[0]!.t >= from) continue;
    const first = list.findIndex((p) => p.t >= from);
    // a node that stopped keeps its newest point (the table shows it)
    nodes.set(node, first === -1 ? list.slice(-1) : list.slice(first));
  }
  return nodes;
}

function newestOf(nodes: ReadonlyMap<number, readonly Point[]>): number | null {
  let newest: number | null = null;
  for (const list of nodes.values()) {
    const t = list[list.length - 1]?.t;
    if (t !== undefined && (newest === null || t > newest)) newest = t;
  }
  return newest;
}

function reducer(state: State, action: Action): State {
  switch (action.type) {
    case 'reset':
      return EMPTY;
    case 'history': {
      // the window read again; live rows that came meanwhile and are newer stay
      const fresh = merge(new Map(), action.rows);
      const kept: LiveRow[] = [];
      for (const [node, list] of state.nodes) {
        const after = fresh.get(node)?.at(-1)?.t ?? Number.NEGATIVE_INFINITY;
        for (const p of list) if (p.t > after) kept.push(liveRow(node, p));
      }
      const nodes = merge(fresh, kept);
      return { ...state, nodes, newest: newestOf(nodes) };
    }
    case 'live': {
      const merged = merge(state.nodes, action.rows);
      const newest = newestOf(merged);
      const nodes = newest === null ? merged : trim(merged, newest - action.keepSeconds);
      const floor = action.floor ?? Number.NEGATIVE_INFINITY;
      if (!action.rows.some((r) => r.timestamp > floor)) {
        return { ...state, nodes, newest };
      }
      return { nodes, newest, updates: state.updates + 1, updatedAt: action.at };
    }
  }
}

function liveRow(nodeIndex: number, p: Point): LiveRow {
  return {
    nodeIndex,
    timestamp: p.t,
    alphaX: p.alphaX,
    alphaY: p.alphaY,
    temperature: p.temperature,
    dispX: null,
    dispY: null,
    cumX: null,
    cumY: null,
    cumR: null,
    velR: null,
    flags: 0,
  };
}

/** Node 1 (the head) cyan → the deepest node orange: the chart reads top to bottom. */
function nodeColor(position: number, count: number): string {
  const f = count <= 1 ? 0 : position / (count - 1);
  return `hsl(${Math.round(195 - 170 * f)} 75% ${Math.round(62 - 8 * f)}%)`;
}

/**
 * The Live view of a chain: the last hours of αX, αY and temperature of
 * every node, moving on as runs commit. The window is read once (and again
 * when a run of the chain ends); then the live feed (api/live.ts) appends
 * the rows each commit brings. Nothing polls.
 */
export function LiveView(props: {
  api: CatenaApi;
  live: LiveSubscribe;
  chainKey: ChainKey;
  /** the chain's newest elaborated timestamp when the page loaded it */
  last: number | null;
  /** bumped when a run of this chain ended: the window is read again */
  version: number;
}) {
  const { t } = useTranslation();
  const { api, live, chainKey, last, version } = props;
  const [hours, setHours] = useState<number>(DEFAULT_HOURS);
  const [state, dispatch] = useReducer(reducer, EMPTY);
  const [feed, setFeed] = useState<ConnectionState>('connecting');
  const [error, setError] = useState<string | null>(null);
  /** bumped when the feed may have missed rows: the window is read again */
  const [resync, setResync] = useState(0);
  const newest = useRef<number | null>(null);
  newest.current = state.newest;
  const keepSeconds = useRef(hours * 3600);
  keepSeconds.current = hours * 3600;
  // fixed at opening: the values the feed sends on subscribing are not an update
  const openedAt = useRef(last);

  // the window: read at start, when it changes, when a run of the chain ended (version), and after a gap
  // biome-ignore lint/correctness/useExhaustiveDependencies: version and resync are the reasons to read again
  useEffect(() => {
    let current = true;
    const anchor = Math.max(newest.current ?? Number.NEGATIVE_INFINITY, last ?? Number.NEGATIVE_INFINITY);
    if (!Number.isFinite(anchor)) return;
    api.series({ key: chainKey, from: anchor - hours * 3600, to: null, limit: HISTORY_LIMIT }).then(
      (s) => {
        if (!current) return;
        const rows: LiveRow[] = [];
        for (let i = 0; i < s.length; i++) {
          rows.push({
            nodeIndex: s.nodeIndex[i]!,
            timestamp: s.timestamp[i]!,
            alphaX: s.alphaX[i]!,
            alphaY: s.alphaY[i]!,
            temperature: s.temperature[i]!,
            dispX: null,
            dispY: null,
            cumX: null,
            cumY: null,
            cumR: null,
            velR: null,
            flags: s.flags[i]!,
          });
        }
        dispatch({ type: 'history', rows });
      },
      (reason: unknown) => current && setError(errorMessage(reason)),
    );
    return () => {
      current = false;
    };
  }, [api, chainKey, hours, last, version, resync]);

  // the live feed of the chain
  useEffect(
    () =>
      live(
        chainKey,
        {
          onRows: (rows) =>
            dispatch({
              type: 'live',
              rows,
              at: Date.now(),
              floor: openedAt.current,
              keepSeconds: keepSeconds.current,
            }),
          onGap: () => setResync((n) => n + 1),
          onState: setFeed,
          onError: setError,
        },
        () => newest.current,
      ),
    [live, chainKey],
  );

  const from = state.newest === null ? null : state.newest - hours * 3600;
  const nodeIndexes = useMemo(() => [...state.nodes.keys()].sort((a, b) => a - b), [state.nodes]);

  // one row per timestamp, one column per node: what the charts draw
  const points = useMemo(() => {
    if (from === null) return [];
    const byTime = new Map<number, Record<string, number | null>>();
    for (const [node, list] of state.nodes) {
      for (const p of list) {
        if (p.t < from) continue;
        let row = byTime.get(p.t);
        if (!row) {
          row = { t: p.t };
          byTime.set(p.t, row);
        }
        row[`x${node}`] = p.alphaX;
        row[`y${node}`] = p.alphaY;
        row[`t${node}`] = p.temperature;
      }
    }
    return [...byTime.values()].sort((a, b) => a.t! - b.t!);
  }, [state.nodes, from]);

  const latest = nodeIndexes.map((node) => {
    const list = state.nodes.get(node)!;
    return { node, point: list[list.length - 1]! };
  });

  return (
    <div className="live" data-testid="live-view">
      <div className="toolbar">
        <label>
          {t('live.window')}{' '}
          <select
            value={hours}
            onChange={(e) => setHours(Number(e.target.value))}
            aria-label={t('live.window')}
          >
            {WINDOWS.map((h) => (
              <option key={h} value={h}>
                {t('live.lastHours', { hours: h })}
              </option>
            ))}
          </select>
        </label>
        <span className={`live-state live-${feed}`} data-testid="live-state" data-state={feed}>
          {feed === 'open'
            ? `● ${t('live.live')}`
            : feed === 'connecting'
              ? `○ ${t('live.connecting')}`
              : `○ ${t('live.retrying')}`}
        </span>
        <span className="muted small">
          {t('live.newest')}{' '}
          <span className="mono" data-testid="live-newest" data-timestamp={state.newest ?? ''}>
            {fmtTime(state.newest)}
          </span>{' '}
          ·{' '}
          <span data-testid="live-updates" data-count={state.updates}>
            {t('live.updates', { count: state.updates })}
          </span>
          {state.updatedAt !== null
            ? ` ${t('live.lastAt', { at: fmtClock(state.updatedAt / 1000), zone: getDisplayZone() })}`
            : ''}
          {' · '}
          {t('live.nodes', { count: nodeIndexes.length })}{' '}
          <span className="swatch" style={{ background: nodeColor(0, 2) }} /> → {t('live.deepest')}{' '}
          <span className="swatch" style={{ background: nodeColor(1, 2) }} />
        </span>
        {error ? (
          <span className="error-text" role="alert">
            {error}
          </span>
        ) : null}
      </div>
      {state.newest === null ? (
        <p className="muted">{last === null ? t('live.noRows') : t('common.loadingShort')}</p>
      ) : (
        <>
          <div className="chart-grid live-grid">
            {PANELS.map((panel) => (
              <LivePanel key={panel.metric} panel={panel} points={points} nodes={nodeIndexes} />
            ))}
          </div>
          <div className="table-wrap live-table-wrap">
            <table className="grid-table" data-testid="live-table">
              <thead>
                <tr>
                  <th className="num">{t('events.node')}</th>
                  <th>{t('live.newestHead')}</th>
                  <th className="num">αX [°]</th>
                  <th className="num">αY [°]</th>
                  <th className="num">T [°C]</th>
                </tr>
              </thead>
              <tbody>
                {latest.map(({ node, point: p }) => (
                  <tr key={node} data-node={node} data-timestamp={p.t}>
                    <td className="num">
                      <span
                        className="swatch"
                        style={{ background: nodeColor(nodeIndexes.indexOf(node), nodeIndexes.length) }}
                      />{' '}
                      {node}
                    </td>
                    <td className="mono">{fmtTime(p.t)}</td>
                    <td className="num">{fmtNum(p.alphaX, 3)}</td>
                    <td className="num">{fmtNum(p.alphaY, 3)}</td>
                    <td className="num">{fmtNum(p.temperature, 1)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}

/** One metric, a line per node; drawn again only when its points change. */
const LivePanel = memo(function LivePanel(props: {
  panel: (typeof PANELS)[number];
  points: Record<string, number | null>[];
  nodes: number[];
}) {
  const { t } = useTranslation();
  const { panel, points, nodes } = props;
  const prefix = panel.metric === 'alphaX' ? 'x' : panel.metric === 'alphaY' ? 'y' : 't';
  return (
    <ChartBox testId={`live-chart-${panel.metric}`}>
      <div className="chart-title">
        {panel.title.startsWith('live.') ? t('live.temperature') : panel.title}{' '}
        <span className="muted">[{panel.unit}]</span>
      </div>
      <div className="chart-plot live-plot">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={points} margin={{ top: 4, right: 12, bottom: 0, left: 0 }}>
            <CartesianGrid stroke={COLORS.grid} strokeDasharray="2 3" />
            <XAxis
              dataKey="t"
              type="number"
              domain={['dataMin', 'dataMax']}
              tickFormatter={(t: number) => fmtTimeShort(t)}
              {...AXIS_PROPS}
              minTickGap={40}
            />
            <YAxis width={56} {...AXIS_PROPS} domain={['auto', 'auto']} tickFormatter={tickNumber} />
            {nodes.map((node, i) => (
              <Line
                key={node}
                dataKey={`${prefix}${node}`}
                name={t('quality.node', { node })}
                stroke={nodeColor(i, nodes.length)}
                dot={false}
                strokeWidth={1}
                isAnimationActive={false}
                connectNulls
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </ChartBox>
  );
});
