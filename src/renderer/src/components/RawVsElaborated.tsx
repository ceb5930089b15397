import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { CatenaApi } from '../../../contract/methods.ts';
import type { ChainKey } from '../../../contract/types.ts';
import { COLORS } from '../chart.ts';
import { fmtInt } from '../format.ts';
import { useLoad } from '../hooks.ts';
import type { ChartSeries } from '../series-data.ts';
import type { Period } from '../series-tools.ts';
import { type CanvasLine, LineCanvas } from './LineCanvas.tsx';

/** raw rows asked at most: the newest of the period (the contract allows 20 000) */
const RAW_LIMIT = 5_000;
const EMPTY = new Float64Array(0);

const floats = (values: readonly (number | null)[]): Float64Array =>
  Float64Array.from(values, (v) => (v === null ? Number.NaN : v));

/**
 * One node's raw readings (counts, and g from its calibration) over the
 * period shown, beside its elaborated tilt: to judge whether a suspicious
 * elaborated value comes from the sensor or from the elaboration.
 */
export function RawVsElaborated(props: {
  api: CatenaApi;
  chainKey: ChainKey;
  node: number;
  period: Period | null;
  elaborated: ChartSeries | null;
  multiDay: boolean;
  onZoom(from: number, to: number): void;
}) {
  const { api, chainKey, node, elaborated, multiDay, onZoom } = props;
  const { t: tr } = useTranslation();
  // the period shown: the zoom, else the span of the elaborated rows drawn
  const from = props.period?.from ?? elaborated?.span?.[0] ?? null;
  const to = props.period?.to ?? elaborated?.span?.[1] ?? null;
  const raw = useLoad(
    () => api.rawReadings({ key: chainKey, nodeIndex: node, from, to, limit: RAW_LIMIT }),
    [api, chainKey, node, from, to],
  );
  const r = raw.data;
  const t = useMemo(() => (r ? Float64Array.from(r.timestamp) : EMPTY), [r]);
  const counts = useMemo<CanvasLine[]>(
    () =>
      r
        ? [
            { name: 'rawX', color: COLORS.x, values: floats(r.rawX) },
            { name: 'rawY', color: COLORS.y, values: floats(r.rawY) },
            ...(r.rawZ.some((v) => v !== null)
              ? [{ name: 'rawZ', color: COLORS.r, values: floats(r.rawZ) }]
              : []),
          ]
        : [],
    [r],
  );
  const g = useMemo<CanvasLine[]>(
    () =>
      r
        ? [
            { name: 'gX', color: COLORS.x, values: floats(r.gX) },
            { name: 'gY', color: COLORS.y, values: floats(r.gY) },
            ...(r.gZ.some((v) => v !== null) ? [{ name: 'gZ', color: COLORS.r, values: floats(r.gZ) }] : []),
          ]
        : [],
    [r],
  );
  const tilt = useMemo<CanvasLine[]>(
    () =>
      elaborated
        ? [
            { name: 'αX', color: COLORS.x, values: elaborated.values.alphaX },
            { name: 'αY', color: COLORS.y, values: elaborated.values.alphaY },
          ]
        : [],
    [elaborated],
  );
  const errors = r ? r.errorCode.filter((e) => e !== null && e !== 0).length : 0;

  return (
    <section className="raw-vs" aria-label={tr('raw.region', { node })} data-testid="raw-vs">
      <div className="toolbar">
        <strong className="small">{tr('raw.heading', { node })}</strong>
        <span className="muted small" data-testid="raw-summary">
          {r
            ? `${tr('raw.rows', { rows: fmtInt(r.length) })}${r.truncated ? ` ${tr('raw.newest', { rows: fmtInt(RAW_LIMIT) })}` : ''}, ${tr('raw.errors', { errors: fmtInt(errors) })}`
            : raw.loading
              ? tr('raw.loading')
              : ''}
        </span>
        {raw.error ? (
          <span className="error-text" role="alert">
            {raw.error}
          </span>
        ) : null}
      </div>
      <div className="chart-grid raw-grid">
        <LineCanvas
          testId="chart-raw-counts"
          title={tr('raw.counts')}
          unit={tr('raw.countsUnit')}
          t={t}
          lines={counts}
          multiDay={multiDay}
          onZoom={onZoom}
        />
        <LineCanvas
          testId="chart-raw-g"
          title={tr('raw.g')}
          unit="g"
          t={t}
          lines={g}
          multiDay={multiDay}
          onZoom={onZoom}
        />
        <LineCanvas
          testId="chart-raw-tilt"
          title={tr('raw.tilt')}
          unit="°"
          t={elaborated ? elaborated.t : EMPTY}
          lines={tilt}
          multiDay={multiDay}
          onZoom={onZoom}
        />
      </div>
    </section>
  );
}
