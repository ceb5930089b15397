/**
 * A chain's configuration as the monitoring database stores it
 * (DATA_MODEL.md): every column nullable, validated and given its defaults by
 * elaboration/config.ts. Times are epoch seconds.
 */
import type { ChainKey } from './chain.ts';

/** `active_stations` as stored. */
export interface StationRow extends ChainKey {
  siteName: string | null;
  active: number | null;
  fixedEnd: string | null;
  /** epoch seconds */
  referenceTime: number | null;
  referenceWindowHours: number | null;
  despikeWindow: number | null;
  despikeNSigma: number | null;
  despikeMinSigmaDeg: number | null;
  despikeLookbackHours: number | null;
  holdLastValidHours: number | null;
  velocityWindowHours: number | null;
  /** v2 (ELABORATION.md §4); optional in a legacy database */
  alarmOnDelayHours: number | null;
  alarmOffDelayHours: number | null;
  /** v2: the chain is stale when its newest raw row is older than this (null = from its sampling) */
  staleAfterHours: number | null;
  /**
   * Migration 008 (display only): the azimuth of the chain's A axis in degrees, clockwise from the X
   * axis; absent or null = not set (profiles stay in X/Y)
   */
  azimuthDeg?: number | null;
  /** migration 009: the site's IANA time zone (`Europe/Rome`); null or absent = not set */
  timeZone?: string | null;
}

/** `rsn_nodes` as stored. */
export interface NodeRow extends ChainKey {
  nodeIndex: number;
  depthM: number | null;
  lengthMm: number | null;
  offsetX: number | null;
  gainX: number | null;
  offsetY: number | null;
  gainY: number | null;
  offsetZ: number | null;
  gainZ: number | null;
  tempOffset: number | null;
  tempGain: number | null;
  tempCoeffX: number | null;
  tempCoeffY: number | null;
  tempRef: number | null;
  fullScaleCounts: number | null;
  enabled: number | null;
}

/** `rsn_thresholds` as stored (metric and level unchecked here). */
export interface ThresholdRow extends ChainKey {
  id: number;
  nodeIndex: number | null;
  metric: string;
  level: number;
  value: number;
}

export interface ChainSetup {
  station: StationRow;
  nodes: NodeRow[];
  thresholds: ThresholdRow[];
}
