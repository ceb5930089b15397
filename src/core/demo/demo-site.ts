/**
 * # The demo site
 *
 * A deterministic, realistic synthetic monitoring record for three control
 * units in the Eastern Alps (province of Belluno): raw counts as the control
 * units would write them into `raw_rsn_data`, with the `active_stations`,
 * `rsn_nodes` and `rsn_thresholds` rows that elaborate them. The raw counts
 * are made by inverting each node's calibration (ELABORATION.md §3 steps 2–6)
 * from intended angles and temperatures, so the elaboration gives back the
 * story below, with its noise, faults and alarms.
 *
 * ## API
 *
 * - `planDemoSite(options)`: configuration rows, the timeline, and per chain a
 *   `chunks()` generator that makes the raw rows lazily in chunks of whole
 *   timestamps (memory: one chunk). Used by `installDemoSite` (install.ts),
 *   which writes through the store port.
 * - `generateDemoSite(options)`: the same, every chain's raw rows in one
 *   `RawColumns` (≈ 19 MB of typed arrays with the defaults; tests, tools).
 * - options: `seed` (20261101), `days` (60), `end` (2026-11-01T00:00:00Z,
 *   exclusive), `stepMinutes` (30). The record has `days · 24 · 60 /
 *   stepMinutes` timestamps `end − days … end − step`: with the defaults
 *   2026-09-02T00:00Z … 2026-10-31T23:30Z, 2880 timestamps, 391 488 raw rows.
 *   Same options → bit-identical output (own xoshiro128** PRNG, named streams
 *   per chain, raw counts rounded to whole counts; never Math.random or
 *   "now"); the values do not depend on the chunk size. A different seed
 *   changes the calibrations, noise, weather and where the sporadic faults
 *   fall, not the story.
 * - The story is anchored to `end`: scenario day 0 is always `end − 60 days`.
 *   A shorter record shows the end of the story (with `days: 8`, the
 *   post-rainfall creep of CU001-A, and CU002-B's node 5 already dead); a
 *   longer one starts with quiet creep. Events outside the record do not
 *   show; the movement they caused does.
 *
 * ## Layout
 *
 * | chain   | site                                                   | nodes | axes | gauge  | fixedEnd       | reference            |
 * | ------- | ------------------------------------------------------ | ----- | ---- | ------ | -------------- | -------------------- |
 * | CU001-A | Frana del Col de Rio, borehole S1 (landslide body)      | 50    | 3    | 1 m    | null (bottom)  | first timestamp      |
 * | CU001-B | Frana del Col de Rio, borehole S2 (landslide toe)       | 20    | 2    | 1 m    | bottom         | first timestamp      |
 * | CU002-A | Viadotto Rio Secco (SS 51), pier P3, tube I1            | 12    | 3    | 2 m    | bottom         | 2026-09-09 00:00 (explicit) |
 * | CU002-B | Viadotto Rio Secco (SS 51), abutment S2 embankment      | 8     | 2    | 1 m    | null (bottom)  | first timestamp      |
 * | CU003-A | Anchored pile wall SP 251 km 12+400 (Val di Zoldo), I1 in the wall | 30 | 3 | 0.5 m | bottom     | first timestamp      |
 * | CU003-B | same wall, I2 upslope (does not reach bedrock)          | 16    | 2    | 1 m    | **top**        | first timestamp      |
 *
 * Other station parameters are null (defaults). Node 1 is at the top;
 * `depthM` is the centre of the node's segment (first segment from 0.2–0.5 m
 * below the head). Every node has its own calibration: offsets uniform in
 * ±200 counts, gains 1/16384 g per count ± 1 % (1 g ≈ 16384 counts, within
 * the default fullScaleCounts 32767), tempOffset ≈ −40 °C, tempGain ≈ 0.01
 * °C per count, tempCoeffX/Y of 0.002–0.01 °/°C with either sign; the
 * borehole deviates 0–3° from the vertical, plus ±0.25° of node mounting.
 * 2-axis nodes have offsetZ/gainZ null and rawZ null; 3-axis readings carry
 * a consistent gravity vector (|g| = 1 before noise; CU003-A's nodes are
 * mounted upside down, Z ≈ −1 g). Some chains spell defaults out in
 * rsn_nodes (lengthMm, tempRef, fullScaleCounts, enabled = 1), others leave
 * them null; CU003-A has tempRef 15.
 *
 * ## Physics
 *
 * - Temperature: air with an annual cycle (warmest ≈ 19 July), a daily cycle
 *   (max 13:00 UTC) and AR(1) weather (σ 2.5 °C, 2.5 days), damped and
 *   delayed with depth (e-folding 0.6 m daily, 3.2 m annual, 1.2 m weather;
 *   concrete of the wall a little deeper): the top node sees ≈ 3 °C a day and
 *   a range of ≈ 13 °C over the record (autumn cooling, weather, the cold
 *   front); nodes below ≈ 5 m are steady.
 *   The raw angle includes `tempCoeff · (T − tempRef)`: on the top nodes
 *   that is up to ≈ 0.1° (≈ 1–2 mm) that the configured coefficients remove.
 * - Movement: landslide chains shear across a slip surface (logistic band)
 *   with 15–35 % of the movement spread through the sliding mass; the wall
 *   bows out as sin²(π z / 11 m) between its anchored head and its toe.
 * - Noise: 0.35 counts (≈ 0.0012°) per tilt axis plus the rounding to whole
 *   counts, 0.02 °C on temperature.
 *
 * ## Timeline (default options; scenario day in brackets)
 *
 * - all record: CU001-A/B creep on their slip surfaces (23.6 m at 0.25 mm/day,
 *   12.4 m at 0.12 mm/day); CU002-B's embankment creeps 0.085 mm/day above
 *   3.4 m; CU003-B 0.1 mm/day at 4.6 m; CU002-A is stable (0.01 mm/day).
 *   CU003-A node 12 is disabled (enabled = 0) and still sends rows: X
 *   wanders, Y stuck at 4095 counts.
 * - 2026-09-02 (0): CU002-A's chain was re-installed; its nodes settle by
 *   ≈ 0.006° (time constant 1.5 days), so its zero reading is taken on
 *   2026-09-09 00:00 (7): `referenceTime`.
 * - 2026-09-14 09:30 (12.4): excavation stage 1 in front of the CU003-A wall:
 *   +2.5 mm of bulge over 2 days; 2026-10-01 07:00 (29.3): stage 2, +3.2 mm
 *   over 2.5 days; then creep 0.03 mm/day.
 * - 2026-09-22 02:00–07:30 (20.08): CU003-B communication gap, 6 hours: no
 *   rows for any node (12 timestamps; the chain has 2868).
 * - 2026-09-27 09:30 (25.4): CU001-B node 14 reports errorCode 5 (CRC) for
 *   3 hours, longer than holdLastValidHours.
 * - 2026-10-10 06:00 (38.25): heavy rainfall with a cold front (−5 °C for a
 *   couple of days). CU001-A surges: velocity on the slip surface up to
 *   ≈ 5.5 mm/day within a day, fading over ≈ 3 days to a lasting ≈ 1.7
 *   mm/day; ≈ 63 mm cumulative at the end. CU001-B responds 12 hours
 *   later, up to ≈ 1.7 mm/day, ≈ 17 mm at the end.
 * - 2026-10-18 14:30 (46.6): CU002-B node 5 dies: some timeouts (errorCode 2)
 *   in the 12 hours before, then rows with null values and errorCode 3 to the
 *   end, so the cumulatives of nodes 1–5 are null from then on.
 * - Throughout, at random (seeded): isolated spikes of 0.15–2.5° on X and/or
 *   Y (≈ 1 reading in 4000; never in the first 12 timestamps, so the Hampel
 *   filter has its window), sporadic errorCode 2 (values null), 5 (corrupt values)
 *   or 17 (plausible values) (≈ 1 in 6700), 3–4 readings per 3-axis chain with
 *   a corrupt Z axis that fail the gravity check (errorCode 0), and 3 readings
 *   of CU001-B railed at −32768 counts, beyond fullScaleCounts.
 *
 * ## Alarms (thresholds per chain; as elaborated with the defaults)
 *
 * - CU001-A: cumulative 15/25/35 mm, velocity 1/2.5/4.5 mm/day, tilt
 *   0.5/2/4° chain-wide and 1/2.5° (levels 2/3) on node 24 across the slip
 *   surface. The surge takes velocity to level 1, 2, 3 within a day of the
 *   rain (10 Oct evening – 11 Oct morning), cumulative to level 1 (11 Oct),
 *   2 (13 Oct) and 3 (16 Oct); velocity falls back to level 2 (13 Oct) and
 *   level 1 (17 Oct); tilt reaches level 1 (13 Oct) and, on node 24 only,
 *   level 2 (21 Oct). Tilt level 3 and chain-wide tilt level 2 are not reached.
 *   (18 alarm events with the default seed, 12–24 with others.)
 * - CU001-B: cumulative 7/20/40 mm (level 1 on 12 Oct), velocity 5/10/20
 *   mm/day (not reached); 3–7 events.
 * - CU002-A: cumulative 5/10/20 mm, velocity 2/4/8 mm/day, tilt on node 1
 *   0.1/0.2/0.5°: nothing reached (a quiet chain).
 * - CU002-B: cumulative 5/10/20 mm, velocity on node 1 0.75/1.5/3 mm/day:
 *   nothing reached (≈ 3.9 mm when node 5 dies).
 * - CU003-A: cumulative 2/5/10 mm, velocity 1/3/6 mm/day, tilt
 *   0.03/0.08/0.2°: level 1 of all three in excavation stage 1, cumulative
 *   and tilt level 2 in stage 2, velocity back to 0 after each stage (10–16
 *   events).
 * - CU003-B: cumulative 8/15/30 mm, velocity 1/2/5 mm/day: nothing reached.
 *
 * Near a threshold the noise makes a level flicker for a few samples (there
 * is no hysteresis in §4); the thresholds are placed where the movement is
 * fast, so there are a few such events, not dozens.
 */

import type { ChainKey } from '../domain/chain.ts';
import type { RawColumns } from '../domain/columns.ts';
import type { NodeRow, StationRow, ThresholdRow } from '../domain/configuration.ts';
import { CatenaError } from '../errors.ts';
import {
  type ChainPlan,
  chainChunks,
  DEFAULT_DEMO_OPTIONS,
  type DemoChunk,
  type DemoChunkOptions,
  type DemoTimelineEntry,
  planSite,
  type ResolvedDemoOptions,
} from './generator.ts';

export {
  DEFAULT_DEMO_OPTIONS,
  DemoAnomaly,
  type DemoAnomalyCode,
  type DemoChunk,
  type DemoChunkOptions,
  DemoErrorCode,
  type DemoTimelineEntry,
  type DemoTruth,
  type ResolvedDemoOptions,
} from './generator.ts';

export interface DemoSiteOptions {
  /** any integer; taken modulo 2^32 (default 20261101) */
  seed?: number;
  /** length of the record in days (default 60) */
  days?: number;
  /** epoch seconds, exclusive: the last timestamp is end − step (default 2026-11-01T00:00:00Z) */
  end?: number;
  /** sampling interval in minutes (default 30) */
  stepMinutes?: number;
}

/** One chain of the demo site: configuration rows, and its raw rows on demand. */
export interface DemoChain {
  key: ChainKey;
  station: StationRow;
  nodes: NodeRow[];
  thresholds: Omit<ThresholdRow, 'id'>[];
  /** distinct raw timestamps of the chain */
  timestampCount: number;
  /** raw rows of the chain (every node, including the disabled one, at every timestamp) */
  rowCount: number;
  /**
   * The raw rows in time chunks (whole timestamps, ordered by timestamp then
   * nodeIndex), generated as they are pulled: memory is one chunk. The values
   * do not depend on the chunk size. Each call starts again from the first
   * timestamp.
   */
  chunks(options?: DemoChunkOptions): Generator<DemoChunk>;
}

export interface DemoSitePlan {
  options: ResolvedDemoOptions;
  /** first timestamp, epoch seconds */
  start: number;
  stepSeconds: number;
  /** timestamps of the site's grid (a chain with a gap has fewer) */
  timestampCount: number;
  stations: StationRow[];
  chains: DemoChain[];
  /** what happens when, in time order */
  timeline: DemoTimelineEntry[];
  rowCount: number;
}

/** The whole site in memory (≈ 19 MB of typed arrays with the defaults). */
export interface DemoSite {
  stations: StationRow[];
  chains: Array<{ key: ChainKey; nodes: NodeRow[]; thresholds: Omit<ThresholdRow, 'id'>[]; raw: RawColumns }>;
}

export function resolveDemoOptions(options: DemoSiteOptions = {}): ResolvedDemoOptions {
  const resolved: ResolvedDemoOptions = {
    seed: options.seed ?? DEFAULT_DEMO_OPTIONS.seed,
    days: options.days ?? DEFAULT_DEMO_OPTIONS.days,
    end: options.end ?? DEFAULT_DEMO_OPTIONS.end,
    stepMinutes: options.stepMinutes ?? DEFAULT_DEMO_OPTIONS.stepMinutes,
  };
  const invalid = (what: string) => new CatenaError('CONFIG_INVALID', `Demo site: ${what}.`);
  if (!Number.isSafeInteger(resolved.seed)) throw invalid(`seed must be an integer, got ${resolved.seed}`);
  if (!Number.isSafeInteger(resolved.end))
    throw invalid(`end must be whole epoch seconds, got ${resolved.end}`);
  const stepSeconds = resolved.stepMinutes * 60;
  if (!Number.isInteger(stepSeconds) || stepSeconds < 1 || stepSeconds > 86400) {
    throw invalid(
      `stepMinutes must be a whole number of seconds between 1 s and 1 day, got ${resolved.stepMinutes}`,
    );
  }
  if (!(resolved.days > 0) || resolved.days > 3660 || resolved.days * 86400 < stepSeconds) {
    throw invalid(`days must be positive, at most 3660 and cover at least one step, got ${resolved.days}`);
  }
  return resolved;
}

/** The site's layout and configuration rows, with each chain's raw rows generated lazily. */
export function planDemoSite(options: DemoSiteOptions = {}): DemoSitePlan {
  const resolved = resolveDemoOptions(options);
  const site = planSite(resolved);
  return {
    options: resolved,
    start: site.grid.start,
    stepSeconds: site.grid.stepSeconds,
    timestampCount: site.grid.count,
    stations: site.chains.map((p) => p.station),
    chains: site.chains.map((plan) => demoChain(plan)),
    timeline: site.timeline,
    rowCount: site.chains.reduce((sum, p) => sum + p.rowCount, 0),
  };
}

function demoChain(plan: ChainPlan): DemoChain {
  return {
    key: plan.key,
    station: plan.station,
    nodes: plan.nodes,
    thresholds: plan.thresholds,
    timestampCount: plan.timestampCount,
    rowCount: plan.rowCount,
    chunks: (options) => chainChunks(plan, options),
  };
}

/** The whole site in memory: configuration rows and every chain's raw rows in one RawColumns. */
export function generateDemoSite(options: DemoSiteOptions = {}): DemoSite {
  const plan = planDemoSite(options);
  return {
    stations: plan.stations,
    chains: plan.chains.map((chain) => {
      const chunk = chain.chunks({ chunkRows: Number.POSITIVE_INFINITY }).next();
      if (chunk.done)
        throw new Error(`demo chain ${chain.key.controlUnitCode}-${chain.key.chain} has no rows`);
      return { key: chain.key, nodes: chain.nodes, thresholds: chain.thresholds, raw: chunk.value.raw };
    }),
  };
}
