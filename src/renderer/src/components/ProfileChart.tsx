import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CatenaApi } from '../../../contract/methods.ts';
import type { ChainKey, ChainNodes } from '../../../contract/types.ts';
import type { WireSeries } from '../../../contract/wire.ts';
import { fmtNum, fmtTime } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { deadNote } from '../node-health.ts';
import {
  envelope,
  incremental,
  type ProfilePoint,
  type ShownPoint,
  sinceDatum,
  toShown,
} from '../profile-transform.ts';
import { levelColor } from '../thresholds.ts';
import { type PlotEnvelope, type PlotLine, ProfilePlot } from './ProfilePlot.tsx';
import './profile-tools.css';

const TIMELINE_ROWS = 20_000;
/** dates drawn at once, the current one included */
const MAX_DATES = 6;
/** one colour per drawn date, oldest first */
const DATE_COLORS = ['#5fb3f9', '#f2a65a', '#7ed491', '#d68cf2', '#e3d06b', '#56d4d4'];

type Mode = 'cumulative' | 'incremental';
type Axes = 'xy' | 'ab';

interface NodeValues {
  cumX: number | null;
  cumY: number | null;
}

/** Each node's cumulative values at the first timestamp of `s` (rows ordered by timestamp). */
function byNode(s: WireSeries | null): Map<number, NodeValues> {
  const map = new Map<number, NodeValues>();
  if (!s || s.length === 0) return map;
  const first = s.timestamp[0];
  for (let i = 0; i < s.length && s.timestamp[i] === first; i++) {
    map.set(s.nodeIndex[i]!, { cumX: s.cumX[i]!, cumY: s.cumY[i]! });
  }
  return map;
}

/** The plotted nodes (enabled, with a depth) at one date. */
function pointsOf(config: ChainNodes | null, values: Map<number, NodeValues>): ProfilePoint[] {
  return (config?.nodes ?? [])
    .filter((n) => n.enabled && n.depthM !== null && values.has(n.nodeIndex))
    .map((n) => ({
      node: n.nodeIndex,
      depth: n.depthM!,
      x: values.get(n.nodeIndex)?.cumX ?? null,
      y: values.get(n.nodeIndex)?.cumY ?? null,
    }));
}

/** The profile as shown: moved datum, then incremental, then the axes (profile-transform.ts). */
function shownOf(
  points: ProfilePoint[],
  datum: ProfilePoint[] | null,
  mode: Mode,
  fixedEnd: 'bottom' | 'top',
  azimuth: number | null,
): ShownPoint[] {
  const moved = datum ? sinceDatum(points, datum) : points;
  return toShown(mode === 'incremental' ? incremental(moved, fixedEnd) : moved, azimuth);
}

/**
 * The chain's profile against depth (rsn_nodes.depthM, increasing downward):
 * cumulative or incremental, X/Y or rotated to A/B by the chain's azimuth,
 * with the resultant; several dates overlaid, a movable datum and the
 * threshold envelope. Every tool is a display transform of the elaborated
 * rows (profile-transform.ts): nothing is elaborated again. Only enabled
 * nodes have output; disabled nodes are listed under the table.
 */
export function ProfileChart(props: { api: CatenaApi; chainKey: ChainKey; last: number; version: number }) {
  const { api, chainKey, last, version } = props;
  const { t } = useTranslation();

  // the chain's timestamps, from the lowest-index node's series
  const timeline = useLoad(async () => {
    const latest = await api.series({ key: chainKey, from: last, to: last });
    const first = latest.nodeIndex.length > 0 ? Math.min(...latest.nodeIndex) : 1;
    const s = await api.series({ key: chainKey, nodeIndex: first, limit: TIMELINE_ROWS });
    return s.timestamp.filter((x): x is number => x !== null);
  }, [api, chainKey, last, version]);

  const config = useLoad(() => api.chainNodes({ key: chainKey }), [api, chainKey, version]);
  // a node without a value is explained: since when it has no valid data, and its sensor's error code
  const quality = useLoad(() => api.quality({ key: chainKey }), [api, chainKey, version]);
  const notes = useMemo(() => {
    const map = new Map<number, string>();
    for (const q of quality.data ?? []) {
      const note = deadNote(q);
      if (note) map.set(q.nodeIndex, note);
    }
    return map;
  }, [quality.data]);

  const times = timeline.data ?? [];
  const [index, setIndex] = useState<number | null>(null);
  const at = times.length === 0 ? last : times[Math.min(index ?? times.length - 1, times.length - 1)]!;
  const [overlay, setOverlay] = useState<number[]>([]);
  const [mode, setMode] = useState<Mode>('cumulative');
  const [axes, setAxes] = useState<Axes>('xy');
  const [azimuthText, setAzimuthText] = useState<string | null>(null);
  const [datumIndex, setDatumIndex] = useState<number | null>(null);
  const [withEnvelope, setWithEnvelope] = useState(true);

  // the datum the engine used: the chain's referenceTime when set, else its first reading (ELABORATION.md §3.9)
  const datum = config.data?.datum ?? null;
  // referenceTime is the column's name, the same in every language
  const datumSource = config.data?.referenceTime != null ? 'referenceTime' : t('profile.datumFirst');
  const movedDatum =
    datumIndex === null || times.length === 0 ? null : times[Math.min(datumIndex, times.length - 1)]!;
  const chainAzimuth = config.data?.azimuthDeg ?? null;
  const azimuthValue = Number(azimuthText ?? chainAzimuth ?? 0);
  const azimuth = axes === 'ab' && Number.isFinite(azimuthValue) ? azimuthValue : null;
  const fixedEnd = config.data?.fixedEnd === 'top' ? 'top' : 'bottom';

  // the drawn dates, oldest first: the overlaid ones and the one under the slider
  const dates = useMemo(() => [...new Set([...overlay, at])].sort((a, b) => a - b), [overlay, at]);
  const profiles = useLoad(
    () => Promise.all(dates.map((d) => api.series({ key: chainKey, from: d, to: d }))),
    [api, chainKey, dates, version],
  );
  const datumProfile = useLoad(
    () =>
      movedDatum === null
        ? Promise.resolve(null)
        : api.series({ key: chainKey, from: movedDatum, to: movedDatum }),
    [api, chainKey, movedDatum, version],
  );

  const shown = useMemo(() => {
    const datumPoints = datumProfile.data ? pointsOf(config.data, byNode(datumProfile.data)) : null;
    return (profiles.data ?? []).map((s, i) => ({
      at: dates[i] ?? null,
      points: shownOf(pointsOf(config.data, byNode(s)), datumPoints, mode, fixedEnd, azimuth),
    }));
  }, [profiles.data, datumProfile.data, config.data, dates, mode, fixedEnd, azimuth]);

  const depths = useMemo(
    () => [...new Set(shown.flatMap((d) => d.points.map((p) => p.depth)))].sort((a, b) => a - b),
    [shown],
  );
  const nodesAt = useMemo(() => {
    const map = new Map<number, number[]>();
    for (const n of config.data?.nodes ?? []) {
      if (n.enabled && n.depthM !== null) map.set(n.depthM, [...(map.get(n.depthM) ?? []), n.nodeIndex]);
    }
    return map;
  }, [config.data]);

  const lines = (pick: (p: ShownPoint) => number | null): PlotLine[] =>
    shown.map((d, i) => ({
      key: `d${i}`,
      name: fmtTime(d.at),
      color: DATE_COLORS[i % DATE_COLORS.length]!,
      values: new Map(d.points.map((p) => [p.depth, pick(p)])),
    }));
  // the thresholds compare the cumulative displacement since the engine's datum: drawn only against that
  const envelopeShown = withEnvelope && mode === 'cumulative' && movedDatum === null;
  const envelopes = useMemo<PlotEnvelope[]>(() => {
    if (!envelopeShown) return [];
    const nodes = (config.data?.nodes ?? [])
      .filter((n) => n.enabled && n.depthM !== null)
      .map((n) => ({ node: n.nodeIndex, depth: n.depthM! }));
    return envelope(nodes, config.data?.thresholds ?? []).map((l) => ({
      level: l.level,
      color: levelColor(l.level),
      values: new Map(l.points.map((p) => [p.depth, p.value])),
    }));
  }, [envelopeShown, config.data]);

  const prefix = mode === 'cumulative' ? 'cum' : 'inc';
  const [uName, vName] = axes === 'ab' ? ['A', 'B'] : ['X', 'Y'];
  const note = movedDatum === null ? '' : t('profile.changeSince', { at: fmtTime(movedDatum) });

  // the table: every node at the date under the slider, those without a depth or a value included
  const current = shown.find((d) => d.at === at)?.points ?? [];
  const currentByNode = new Map(current.map((p) => [p.node, p]));
  const tableNodes = useMemo(() => {
    const conf = config.data?.nodes ?? [];
    const depthKey = (d: number | null) => d ?? Number.POSITIVE_INFINITY;
    return conf
      .filter((n) => n.enabled)
      .sort((a, b) => depthKey(a.depthM) - depthKey(b.depthM) || a.nodeIndex - b.nodeIndex);
  }, [config.data]);
  const disabled = (config.data?.nodes ?? []).filter((n) => !n.enabled);
  const noDepth = tableNodes.filter((n) => n.depthM === null).map((n) => n.nodeIndex);
  const levels = (config.data?.thresholds ?? []).filter((th) => th.metric === 'cumulative_mm').length;

  return (
    <div className="profile">
      <div className="toolbar">
        <label className="grow-label">
          {t('profile.time')}{' '}
          <input
            type="range"
            min={0}
            max={Math.max(0, times.length - 1)}
            value={index ?? Math.max(0, times.length - 1)}
            onChange={(e) => setIndex(Number(e.target.value))}
            aria-label={t('profile.timeLabel')}
            disabled={times.length < 2}
          />
        </label>
        <span className="mono" data-testid="profile-time">
          {fmtTime(at)}
        </span>
        <button
          type="button"
          data-testid="profile-overlay-add"
          disabled={dates.length >= MAX_DATES || overlay.includes(at)}
          title={t('profile.overlayTitle', { max: MAX_DATES })}
          onClick={() => setOverlay((o) => [...o, at])}
        >
          {t('profile.overlay')}
        </button>
        {config.data ? (
          <span className="muted small" data-testid="profile-datum">
            {t('profile.datum', { at: fmtTime(datum), source: datumSource })}
          </span>
        ) : null}
        {timeline.error ? <span className="error-text">{timeline.error}</span> : null}
        {config.error ? (
          <span className="error-text" role="alert">
            {config.error}
          </span>
        ) : null}
      </div>
      <div className="toolbar">
        <label>
          {t('profile.show')}{' '}
          <select
            value={mode}
            onChange={(e) => setMode(e.target.value as Mode)}
            aria-label={t('profile.modeLabel')}
          >
            <option value="cumulative">{t('profile.modes.cumulative')}</option>
            <option value="incremental">{t('profile.modes.incremental')}</option>
          </select>
        </label>
        <label>
          {t('profile.axes')}{' '}
          <select
            value={axes}
            onChange={(e) => setAxes(e.target.value as Axes)}
            aria-label={t('profile.axesLabel')}
          >
            <option value="xy">X / Y</option>
            <option value="ab">{t('profile.azimuthAxes')}</option>
          </select>
        </label>
        {axes === 'ab' ? (
          <label title={t('profile.azimuthTitle')}>
            θ{' '}
            <input
              type="number"
              className="azimuth-input"
              step={1}
              min={-360}
              max={360}
              value={azimuthText ?? String(chainAzimuth ?? 0)}
              onChange={(e) => setAzimuthText(e.target.value)}
              aria-label={t('profile.azimuthLabel')}
            />
            °{' '}
            <span className="muted small" data-testid="profile-azimuth-source">
              {chainAzimuth === null
                ? t('profile.noAzimuth')
                : t('profile.chainAzimuth', { deg: fmtNum(chainAzimuth, 1) })}
            </span>
          </label>
        ) : null}
        <label>
          <input
            type="checkbox"
            checked={movedDatum !== null}
            onChange={(e) => setDatumIndex(e.target.checked ? 0 : null)}
            disabled={times.length === 0}
          />{' '}
          {t('profile.moveDatum')}
        </label>
        {movedDatum !== null ? (
          <>
            <input
              type="range"
              className="datum-range"
              min={0}
              max={Math.max(0, times.length - 1)}
              value={Math.min(datumIndex ?? 0, Math.max(0, times.length - 1))}
              onChange={(e) => setDatumIndex(Number(e.target.value))}
              aria-label={t('profile.datumTime')}
            />
            <span className="mono small" data-testid="profile-moved-datum">
              {note}
            </span>
          </>
        ) : null}
        <label
          title={
            mode === 'cumulative' && movedDatum === null
              ? t('profile.envelopeTitle')
              : t('profile.envelopeOffTitle')
          }
        >
          <input
            type="checkbox"
            checked={withEnvelope}
            onChange={(e) => setWithEnvelope(e.target.checked)}
            disabled={mode !== 'cumulative' || movedDatum !== null || levels === 0}
          />{' '}
          {levels === 0 && config.data ? t('profile.envelopeNone') : t('profile.envelope')}
        </label>
      </div>
      <ul className="profile-dates" aria-label={t('profile.drawnDates')} data-testid="profile-dates">
        {dates.map((d, i) => (
          <li key={d} style={{ color: DATE_COLORS[i % DATE_COLORS.length] }}>
            ― <span className="mono">{fmtTime(d)}</span>
            {overlay.includes(d) ? (
              <button
                type="button"
                aria-label={t('profile.remove', { at: fmtTime(d) })}
                onClick={() => setOverlay((o) => o.filter((x) => x !== d))}
              >
                ×
              </button>
            ) : (
              <span className="muted small"> {t('profile.slider')}</span>
            )}
          </li>
        ))}
        {profiles.error ? <li className="error-text">{profiles.error}</li> : null}
        {datumProfile.error ? <li className="error-text">{datumProfile.error}</li> : null}
      </ul>
      <div className="profile-charts">
        <ProfilePlot
          testId="chart-profile"
          title={t(`profile.titles.${mode}`, { axis: uName })}
          unit="mm"
          note={`${t('profile.depthDown', { end: t(`profile.fixedEnds.${fixedEnd}`) })}${note ? ` · ${note}` : ''}`}
          depths={depths}
          lines={lines((p) => p.u)}
          envelopes={envelopes}
          positiveOnly={false}
          nodesAt={nodesAt}
        />
        <ProfilePlot
          testId="chart-profile-v"
          title={t(`profile.titles.${mode}`, { axis: vName })}
          unit="mm"
          note={note}
          depths={depths}
          lines={lines((p) => p.v)}
          envelopes={envelopes}
          positiveOnly={false}
          nodesAt={nodesAt}
        />
        <ProfilePlot
          testId="chart-profile-r"
          title={t(`profile.resultant.${mode}`)}
          unit="mm"
          note={note}
          depths={depths}
          lines={lines((p) => p.r)}
          envelopes={envelopes}
          positiveOnly
          nodesAt={nodesAt}
        />
      </div>
      <table className="grid-table compact profile-table">
        <caption className="muted small">
          {fmtTime(at)}
          {note ? ` · ${note}` : ''}
        </caption>
        <thead>
          <tr>
            <th className="num">{t('profile.node')}</th>
            <th className="num">{t('profile.depth')}</th>
            <th className="num">
              {prefix}
              {uName}
            </th>
            <th className="num">
              {prefix}
              {vName}
            </th>
            <th className="num">{prefix}R</th>
          </tr>
        </thead>
        <tbody>
          {tableNodes.map((n) => {
            const p = currentByNode.get(n.nodeIndex);
            const dead = (p?.r ?? null) === null && notes.has(n.nodeIndex);
            return (
              <tr key={n.nodeIndex} data-node={n.nodeIndex} title={notes.get(n.nodeIndex)}>
                <td className="num">
                  {n.nodeIndex}
                  {n.threeAxis ? <span className="muted small"> {t('profile.threeAxis')}</span> : null}
                </td>
                <td className="num">{fmtNum(n.depthM, 2)}</td>
                <td className="num">{fmtNum(p?.u)}</td>
                <td className="num">{fmtNum(p?.v)}</td>
                <td className={`num ${dead ? 'warn-text' : ''}`}>
                  {fmtNum(p?.r)}
                  {dead ? ' *' : ''}
                </td>
              </tr>
            );
          })}
        </tbody>
        {disabled.length > 0 || noDepth.length > 0 || notes.size > 0 ? (
          <tfoot>
            <tr>
              <td colSpan={5} className="muted small" data-testid="profile-omitted">
                {disabled.length > 0
                  ? `${t('profile.disabled', {
                      nodes: disabled
                        .map((n) =>
                          t('profile.disabledNode', { node: n.nodeIndex, depth: fmtNum(n.depthM, 2) }),
                        )
                        .join(', '),
                    })} `
                  : ''}
                {noDepth.length > 0 ? `${t('profile.noDepth', { nodes: noDepth.join(', ') })} ` : ''}
                {[...notes].map(([n, text]) => (
                  <span key={n} className="warn-text" data-testid={`node-note-${n}`}>
                    {t('profile.nodeNote', { node: n, text })}{' '}
                  </span>
                ))}
              </td>
            </tr>
          </tfoot>
        ) : null}
      </table>
    </div>
  );
}
