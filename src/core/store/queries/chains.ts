/** Reading the inputs' configuration: the chain list with its summaries, and one chain's setup. */
import type { ChainKey } from '../../domain/chain.ts';
import { chainLabel } from '../../domain/chain.ts';
import type { ChainSetup } from '../../domain/configuration.ts';
import type { SqlContext } from '../context.ts';
import type { ChainSummary } from '../port.ts';
import {
  chainStatsSchema,
  NODE_SELECT,
  nodeCountSchema,
  nodeSchema,
  parseRows,
  singleNumberSchema,
  stationListSchema,
  stationSchema,
  stationSelect,
  THRESHOLD_SELECT,
  thresholdSchema,
} from '../rows.ts';
import { checkReferenceTime } from './checks.ts';

const rawStatsSchema = chainStatsSchema.pick({ n: true, first: true, last: true });

export async function listChains(ctx: SqlContext): Promise<ChainSummary[]> {
  const { driver, dialect } = ctx;
  const epoch = dialect.epoch;
  return ctx.guard('listing the chains', async () => {
    const stations = parseRows(
      stationListSchema,
      await driver.all(
        'SELECT controlUnitCode, chain, siteName, active, fixedEnd, timeZone FROM active_stations ORDER BY controlUnitCode, chain',
      ),
      'active_stations',
    );
    const nodes = parseRows(
      nodeCountSchema,
      await driver.all(
        'SELECT controlUnitCode, chain, COUNT(*) AS n, COUNT(CASE WHEN enabled IS NULL OR enabled <> 0 THEN 1 END) AS enabled ' +
          'FROM rsn_nodes GROUP BY controlUnitCode, chain',
      ),
      'rsn_nodes',
    );
    const nodeMap = new Map(nodes.map((n) => [chainLabel(n), n]));
    // Per chain: each query is a range of the clustered key, which both databases read without a scan.
    return Promise.all(
      stations.map(async (s): Promise<ChainSummary> => {
        const key = [s.controlUnitCode, s.chain];
        const [raw] = parseRows(
          rawStatsSchema,
          await driver.all(
            `SELECT COUNT(*) AS n, ${epoch('MIN(timestamp)')} AS first, ${epoch('MAX(timestamp)')} AS last ` +
              'FROM raw_rsn_data WHERE controlUnitCode = ? AND chain = ?',
            key,
          ),
          'raw_rsn_data',
          s,
        );
        const [elaborated] = parseRows(
          singleNumberSchema,
          await driver.all(
            `SELECT ${epoch('MAX(timestamp)')} AS v FROM elaborated_rsn_data WHERE controlUnitCode = ? AND chain = ?`,
            key,
          ),
          'elaborated_rsn_data',
          s,
        );
        const n = nodeMap.get(chainLabel(s));
        return {
          controlUnitCode: s.controlUnitCode,
          chain: s.chain,
          siteName: s.siteName,
          timeZone: s.timeZone,
          active: s.active !== 0,
          fixedEnd: s.fixedEnd,
          nodeCount: n?.n ?? 0,
          enabledNodeCount: n?.enabled ?? 0,
          rawRowCount: raw?.n ?? 0,
          firstRawAt: raw?.first ?? null,
          lastRawAt: raw?.last ?? null,
          lastElaboratedAt: elaborated?.v ?? null,
        };
      }),
    );
  });
}

export async function readChainSetup(ctx: SqlContext, key: ChainKey): Promise<ChainSetup | null> {
  const { driver, dialect } = ctx;
  return ctx.guard(`reading the configuration of chain ${chainLabel(key)}`, async () => {
    const params = [key.controlUnitCode, key.chain];
    const stationRows = await driver.all(
      `SELECT ${stationSelect(dialect.epoch)}, referenceTime AS referenceTimeText FROM active_stations ` +
        'WHERE controlUnitCode = ? AND chain = ?',
      params,
    );
    const station = parseRows(stationSchema, checkReferenceTime(stationRows, key), 'active_stations', key)[0];
    if (!station) return null;
    // The stored spelling of the key (a case-insensitive collation may have matched another one).
    const stored = [station.controlUnitCode, station.chain];
    const nodes = parseRows(
      nodeSchema,
      await driver.all(
        `SELECT ${NODE_SELECT} FROM rsn_nodes WHERE controlUnitCode = ? AND chain = ? ORDER BY nodeIndex`,
        stored,
      ),
      'rsn_nodes',
      key,
    );
    const thresholds = parseRows(
      thresholdSchema,
      await driver.all(
        `SELECT ${THRESHOLD_SELECT} FROM rsn_thresholds WHERE controlUnitCode = ? AND chain = ? ORDER BY id`,
        stored,
      ),
      'rsn_thresholds',
      key,
    );
    return { station, nodes, thresholds };
  });
}
