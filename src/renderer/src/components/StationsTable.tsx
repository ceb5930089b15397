import type { ChainKey, ChainSummary, RunRecord } from '../../../contract/types.ts';
import { chainLabel } from '../../../contract/types.ts';
import { fmtInt, fmtTime } from '../format.ts';
import { StatusBadge } from './StatusBadge.tsx';

export function StationsTable(props: {
  chains: ChainSummary[] | null;
  error: string | null;
  loading: boolean;
  selected: Set<string>;
  onSelectedChange(next: Set<string>): void;
  focused: ChainKey | null;
  onFocus(key: ChainKey): void;
  lastRuns: Map<string, RunRecord>;
  onReload(): void;
}) {
  const { chains, selected, onSelectedChange, focused, onFocus, lastRuns } = props;
  const all = chains ?? [];
  const allSelected = all.length > 0 && all.every((c) => selected.has(chainLabel(c)));
  const focusedLabel = focused ? chainLabel(focused) : null;

  const toggle = (label: string) => {
    const next = new Set(selected);
    if (next.has(label)) next.delete(label);
    else next.add(label);
    onSelectedChange(next);
  };

  return (
    <>
      <div className="panel-head">
        <h2>Stations</h2>
        <span className="muted">
          {all.length} chains · {selected.size} selected
        </span>
        <span className="grow" />
        <button
          type="button"
          onClick={() => onSelectedChange(new Set(all.filter((c) => c.active).map((c) => chainLabel(c))))}
        >
          Select active
        </button>
        <button type="button" onClick={() => onSelectedChange(new Set())} disabled={selected.size === 0}>
          Clear
        </button>
        <button type="button" onClick={props.onReload} title="Reload stations">
          ↻
        </button>
      </div>
      {props.error ? (
        <p className="error-text" role="alert">
          {props.error}
        </p>
      ) : null}
      <div className="table-wrap">
        <table className="grid-table" data-testid="stations-table">
          <thead>
            <tr>
              <th className="check">
                <input
                  type="checkbox"
                  aria-label="Select all chains"
                  checked={allSelected}
                  onChange={() =>
                    onSelectedChange(allSelected ? new Set() : new Set(all.map((c) => chainLabel(c))))
                  }
                />
              </th>
              <th>Control unit</th>
              <th>Chain</th>
              <th>Site</th>
              <th className="num">Nodes</th>
              <th className="num">Raw rows</th>
              <th>First raw</th>
              <th>Last raw</th>
              <th>Last elaborated</th>
              <th>Active</th>
              <th>Last run</th>
            </tr>
          </thead>
          <tbody>
            {all.map((c) => {
              const label = chainLabel(c);
              const run = lastRuns.get(label);
              const behind =
                c.lastRawAt !== null && (c.lastElaboratedAt === null || c.lastElaboratedAt < c.lastRawAt);
              return (
                <tr
                  key={label}
                  data-chain={label}
                  className={`${label === focusedLabel ? 'focused' : ''} ${c.active ? '' : 'inactive'}`}
                  onClick={(e) => {
                    // ticking the checkbox selects for launch; the rest of the row shows the results
                    if (!(e.target instanceof HTMLInputElement)) onFocus(c);
                  }}
                >
                  <td className="check">
                    <input
                      type="checkbox"
                      aria-label={`Select ${label}`}
                      checked={selected.has(label)}
                      onChange={() => toggle(label)}
                    />
                  </td>
                  <td className="mono">{c.controlUnitCode}</td>
                  <td className="mono">{c.chain}</td>
                  <td className="ellipsis" title={c.siteName ?? ''}>
                    {c.siteName ?? '—'}
                  </td>
                  <td className="num">
                    {c.enabledNodeCount === c.nodeCount
                      ? c.nodeCount
                      : `${c.enabledNodeCount}/${c.nodeCount}`}
                  </td>
                  <td className="num">{fmtInt(c.rawRowCount)}</td>
                  <td className="mono">{fmtTime(c.firstRawAt)}</td>
                  <td className="mono">{fmtTime(c.lastRawAt)}</td>
                  <td
                    className={`mono ${behind ? 'warn-text' : ''}`}
                    title={behind ? 'raw data not yet elaborated' : ''}
                  >
                    {fmtTime(c.lastElaboratedAt)}
                  </td>
                  <td>{c.active ? 'yes' : <span className="muted">no</span>}</td>
                  <td title={run?.message ?? ''}>
                    {run ? <StatusBadge status={run.status} /> : <span className="muted">—</span>}
                  </td>
                </tr>
              );
            })}
            {chains && all.length === 0 ? (
              <tr>
                <td colSpan={11} className="muted">
                  No chains in active_stations.
                </td>
              </tr>
            ) : null}
            {!chains && props.loading ? (
              <tr>
                <td colSpan={11} className="muted">
                  Loading…
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </>
  );
}
