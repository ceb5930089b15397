/**
 * The application's use cases, as every host sees them. The contract
 * (src/contract) exposes these over IPC and HTTP/WebSocket.
 */

import type { Metric } from '../domain/alarms.ts';
import type { ChainKey } from '../domain/chain.ts';
import type { ElaboratedColumns } from '../domain/columns.ts';
import type { RunMode, RunStatus } from '../domain/runs.ts';
import type { EngineEvent, LaunchFinishedEvent, LaunchRequest } from '../engine/events.ts';
import type { Lang } from '../lang.ts';
import type {
  ChainSummary,
  Delivery,
  DeliveryStatus,
  NodeFlagCounts,
  NotifyChannel,
  NotifyRule,
  NotifyRuleInput,
  RunRecord,
  StaleEpisode,
  StoredAlarmEvent,
  StoreInfo,
} from '../store/port.ts';

/**
 * A chain as the stations list shows it: its summary, and whether its stored
 * outputs are those of its current configuration.
 */
export interface ChainOverview extends ChainSummary {
  /**
   * `current`: every run that wrote the stored rows used the configuration of
   * now; `changed`: the calibration or parameters changed since (re-elaboration
   * needed); `unknown`: rows written before runs recorded their configuration;
   * `invalid`: the configuration does not validate now; `none`: nothing
   * elaborated yet.
   */
  outputs: 'current' | 'changed' | 'unknown' | 'invalid' | 'none';
  /** an interrupted full or range run, which the next incremental run finishes */
  pendingRun: { runId: number; mode: RunMode; status: RunStatus; committedTo: number | null } | null;
  /** the chain's `staleAfterHours`, or its default: twice the median sampling interval, at least 1 h */
  staleAfterHours: number;
  /** no raw row for longer than staleAfterHours, on the database's clock (or no raw row at all) */
  stale: boolean;
}

/** A node of rsn_nodes as the results screens show it. */
export interface ChainNode {
  nodeIndex: number;
  /** position along the chain (m), as stored; null when not configured */
  depthM: number | null;
  /** as stored; null = the default 1000 mm */
  lengthMm: number | null;
  /** enabled is not 0 (null counts as enabled, ELABORATION.md §1) */
  enabled: boolean;
  /** offsetZ and gainZ both configured (a 3-axis node) */
  threeAxis: boolean;
}

/** A chain's node configuration for display, with the station's fields the screens need. */
export interface ChainNodes extends ChainKey {
  siteName: string | null;
  /** as stored (`bottom` | `top`, null = the default `bottom`) */
  fixedEnd: string | null;
  /** active_stations.referenceTime as stored (epoch seconds), null when not set */
  referenceTime: number | null;
  /**
   * The datum of the displacements (ELABORATION.md §3.9): referenceTime when set, else the chain's first
   * plausible reading of an enabled node; null when the chain has no reading.
   */
  datum: number | null;
  /**
   * active_stations.azimuthDeg (migration 008): the azimuth of the A axis in degrees, clockwise from X; the
   * console rotates profiles to A = X·cos θ + Y·sin θ, B = −X·sin θ + Y·cos θ. Null when not set.
   */
  azimuthDeg: number | null;
  /** by nodeIndex */
  nodes: ChainNode[];
  /** rsn_thresholds of the chain (nodeIndex null = every node without its own), by metric and level */
  thresholds: ChainThreshold[];
}

/** An alarm threshold as the charts draw it. */
export interface ChainThreshold {
  nodeIndex: number | null;
  metric: string;
  level: number;
  value: number;
}

/** One node's raw readings over a period (nulls = unbounded), the newest `limit` (default 5000). */
export interface NodeRawQuery {
  key: ChainKey;
  nodeIndex: number;
  from?: number | null;
  to?: number | null;
  limit?: number;
}

/** A node's raw rows as columns, oldest first, with the acceleration in g from its calibration. */
export interface NodeRawReadings extends ChainKey {
  nodeIndex: number;
  /** the period held more rows than `limit`: the newest were kept */
  truncated: boolean;
  length: number;
  timestamp: number[];
  rawX: (number | null)[];
  rawY: (number | null)[];
  rawZ: (number | null)[];
  rawT: (number | null)[];
  errorCode: (number | null)[];
  /** (raw − offset) · gain; null when the reading or the calibration is missing */
  gX: (number | null)[];
  gY: (number | null)[];
  gZ: (number | null)[];
}

/** Where and when an offline snapshot was taken (its newest complete pass). */
export interface SnapshotOrigin {
  /** the source database's URL, without password */
  source: string;
  /** the source database's clock when the pass began, epoch seconds */
  takenAt: number;
  /** the chains of the pass (`CU001-A`) */
  chains: string[];
  status: 'running' | 'succeeded' | 'failed' | 'cancelled';
}

/** The database the service is connected to, as the interface shows it. */
export interface ServiceInfo extends StoreInfo {
  /** an offline snapshot: results only, launches are refused with READ_ONLY */
  readOnly: boolean;
  /** where and when the snapshot was taken; null for a live database */
  snapshot: SnapshotOrigin | null;
}

/** A chain report (core/report) as the hosts hand it on: the PDF's bytes in base64. */
export interface ChainReportFile {
  /** `report-CU001-A-2026-10-01-2026-10-31.pdf` */
  fileName: string;
  contentType: 'application/pdf';
  pages: number;
  /** the period covered, epoch seconds */
  from: number;
  to: number;
  /** alarm events listed */
  events: number;
  /** the PDF */
  base64: string;
}

/** What a report covers; everything but the chain has a default (core/report/data.ts). */
export interface ChainReportQuery {
  key: ChainKey;
  from?: number | null;
  to?: number | null;
  /** profile dates, epoch seconds */
  dates?: number[];
  /** nodes whose series are drawn */
  nodes?: number[];
  /** the report's language (default: the service's, CATENA_LANG or the system locale) */
  lang?: Lang;
}

export interface CatenaService {
  info(): ServiceInfo;
  /**
   * Opens the database of a connection profile (a URL or fields, see
   * store/profile.ts), checks that it is a Catena database, and closes it:
   * what it is, or the CONNECTION_… error that says what to do.
   */
  testConnection(target: unknown): Promise<ServiceInfo>;
  /**
   * Switches the service to another database without restarting: the new one
   * is opened and checked first (on failure the current one stays), then the
   * current one is closed. Refused with LAUNCH_RUNNING while a launch runs.
   * `target` is a profile, or `{ id }` of a remembered connection (its
   * stored password decrypted); a successful connect is remembered first in
   * the recent connections.
   */
  connect(target: unknown): Promise<ServiceInfo>;
  /**
   * Starts taking an offline snapshot of the current database into an
   * SQLite file (a relative `out` goes to the data folder's `snapshots`);
   * one at a time. Progress: snapshotStatus; cancel: cancelSnapshot.
   */
  takeSnapshot(request: SnapshotJobRequest): Promise<SnapshotJob>;
  /** the snapshot being taken, or the last one taken by this service (null: none) */
  snapshotStatus(): SnapshotJob | null;
  /** cancels the snapshot being taken (what was copied stays); false when none runs */
  cancelSnapshot(): boolean;
  /** the recent connections (never a password) and whether passwords are stored */
  connections(): Promise<ConnectionList>;
  /** false when there was no such connection */
  forgetConnection(id: string): Promise<boolean>;
  listChains(): Promise<ChainOverview[]>;
  /** starts a launch and returns at once; progress comes through onEvent */
  launch(request: LaunchRequest): Promise<{ launchId: string; chains: ChainKey[] }>;
  /** settles when the launch has ended (LAUNCH_NOT_FOUND for a launch this service is not running) */
  whenDone(launchId: string): Promise<LaunchFinishedEvent>;
  /** the launches running now */
  runningLaunches(): string[];
  /** cancels a whole launch, or one chain of it */
  cancel(launchId: string, chain?: ChainKey): boolean;
  listRuns(filter?: { key?: ChainKey; launchId?: string; limit?: number }): Promise<RunRecord[]>;
  series(query: {
    key: ChainKey;
    nodeIndex?: number;
    from?: number | null;
    to?: number | null;
    limit?: number;
  }): Promise<ElaboratedColumns>;
  /** rsn_nodes of the chain for display; CHAIN_NOT_FOUND when it is not in active_stations */
  chainNodes(key: ChainKey): Promise<ChainNodes>;
  /** one node's raw readings with g (CHAIN_NOT_FOUND when the chain is not in active_stations) */
  rawReadings(query: NodeRawQuery): Promise<NodeRawReadings>;
  /** elaborated rows per node counted by flag bit over a span (nulls = unbounded) */
  quality(query: { key: ChainKey; from?: number | null; to?: number | null }): Promise<NodeFlagCounts[]>;
  events(filter: {
    key?: ChainKey;
    from?: number | null;
    to?: number | null;
    limit?: number;
  }): Promise<StoredAlarmEvent[]>;
  /**
   * Acknowledges a chain's events not yet acknowledged: the given ones
   * (metric and timestamp), or all its open events; `by` is the operator's
   * name, the time the database's now. CHAIN_NOT_FOUND for a chain that is
   * not in active_stations; DATA_INVALID for a missing name.
   */
  acknowledgeEvents(request: AcknowledgeRequest): Promise<Acknowledged>;
  /** the chain's report as PDF (CHAIN_NOT_FOUND; DATA_INVALID for a period with no elaborated row) */
  chainReport(query: ChainReportQuery): Promise<ChainReportFile>;
  onEvent(listener: (event: EngineEvent) => void): () => void;
  /** notification rules and deliveries (the notifier is fed by every launch of this service) */
  notifications: Notifications;
  close(): Promise<void>;
}

export interface AcknowledgeRequest {
  key: ChainKey;
  /** the events to acknowledge; absent = every open event of the chain */
  events?: readonly { metric: Metric; timestamp: number }[];
  note?: string | null;
  /** the operator's name (the API token's name on the service) */
  by: string;
}

export interface Acknowledged extends ChainKey {
  /** events acknowledged now (0 when they were already, or do not exist) */
  acknowledged: number;
  by: string;
  note: string | null;
  /** epoch seconds, the database's clock */
  at: number;
}

export interface Notifications {
  rules(): Promise<NotifyRule[]>;
  addRule(rule: NotifyRuleInput): Promise<NotifyRule>;
  /** false when there was no such rule */
  removeRule(id: number): Promise<boolean>;
  /** sends a test message to the rule's target now (RULE_NOT_FOUND; NOTIFY_FAILED with the channel's failure) */
  test(id: number): Promise<void>;
  /** the channels this process can send through (e-mail only with an SMTP server configured) */
  channels(): NotifyChannel[];
  /** the SMTP server e-mail goes through (CATENA_SMTP_URL, else the one set in the app), password masked */
  smtp(): SmtpView;
  /**
   * Sets (url) or removes (null) the SMTP server kept in this host's data
   * folder; DATA_INVALID for a URL that is not smtp(s):// or when
   * CATENA_SMTP_URL is set (it wins).
   */
  setSmtp(setting: { url: string | null; from?: string | null }): Promise<SmtpView>;
  deliveries(filter?: { status?: DeliveryStatus; limit?: number }): Promise<Delivery[]>;
  /** waits at most `timeoutMs` for the deliveries being claimed, sent or retried; pending > 0 when it gave up */
  settle(timeoutMs: number): Promise<NotifyStats>;
  /** checks every active chain for stale data now (the timer does it every CATENA_STALE_CHECK_MINUTES) */
  checkStale(): Promise<StaleCheck>;
  /** the stale-data episodes (catena_stale_episodes), newest first */
  staleEpisodes(filter?: { open?: boolean; key?: ChainKey; limit?: number }): Promise<StaleEpisode[]>;
}

export interface SmtpView {
  /** `environment`: CATENA_SMTP_URL; `setting`: set in the app; null: none (no e-mail from this host) */
  source: 'environment' | 'setting' | null;
  /** the URL without its password */
  url: string | null;
  from: string | null;
}

/** What one stale-data check did (service/stale-watch.ts). */
export interface StaleCheck {
  /** chains whose silence this check recorded (and notified) */
  started: ChainKey[];
  /** chains whose data came back (episode ended by this check) */
  ended: ChainKey[];
  /** deliveries this process claimed */
  claimed: number;
}

/** The notifier's counts since the service opened (claimed by this process, sent, failed, not yet done). */
export interface NotifyStats {
  claimed: number;
  sent: number;
  failed: number;
  pending: number;
}

/** How hosts build the service (implemented in service.ts). */
export interface ServiceOptions {
  /**
   * Remember connections (the connection manager of the app and the HTTP
   * host): the file (default connections.json of the data folder) and the
   * host's secret box for passwords (null: passwords are not stored).
   */
  connections?: { file?: string; secrets: SecretBox | null };
  /** database URL (`mysql://…`, `sqlite:/path`); default: the demo database */
  db?: string;
  /** chains elaborated at once */
  concurrency?: number;
  /** worker entry for the CPU pool; hosts that bundle (Electron) pass their own */
  workerUrl?: URL;
  /** the SQLite worker-thread entry; hosts that bundle (Electron) pass their own */
  sqliteWorkerUrl?: URL;
  /** names the workstation in run bookkeeping */
  host?: string;
  /** where a chain's unexpected failure (a bug, not bad input) goes with its stack */
  onUnexpected?: (error: unknown, key: ChainKey) => void;
  /** create the demo site when `db` is the default demo database and it does not exist yet */
  ensureDemo?: boolean;
  /** open for use only: the database must already hold Catena's tables (nothing is created or migrated) */
  requireSchema?: boolean;
  /**
   * CATENA_SMTP_URL, CATENA_SMTP_FROM, CATENA_WEBHOOK_SECRET, CATENA_CONSOLE_URL,
   * CATENA_LANG (en, it), CATENA_STALE_CHECK_MINUTES (default: process.env)
   */
  env?: Record<string, string | undefined>;
  /** resume the deliveries a dead process left claimed but unsent (default true; admin commands pass false) */
  resumeNotifications?: boolean;
  /** notifier warnings (a delivery that failed, a channel not configured) */
  onNotifyWarning?: (message: string) => void;
  /**
   * How often to check for stale data and notify it (default
   * CATENA_STALE_CHECK_MINUTES, else 5; 0 = no timer, for short-lived commands).
   */
  staleCheckMinutes?: number;
}

// --- the connection manager (connections.ts)

/** Encrypts secrets for this host (Electron: safeStorage). */
export interface SecretBox {
  /** null when it can encrypt; else the sentence that says why not */
  unavailable(): string | null;
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
}

/** A remembered profile as the interface lists it: never the password. */
export interface SavedConnection {
  id: string;
  /** the profile as a URL without password */
  label: string;
  kind: 'mysql' | 'sqlite';
  host: string | null;
  port: number | null;
  user: string | null;
  database: string | null;
  tls: boolean | 'skip-verify' | null;
  path: string | null;
  /** a password is stored (encrypted) */
  hasPassword: boolean;
  /** epoch seconds */
  lastUsedAt: number;
}

export interface ConnectionList {
  connections: SavedConnection[];
  /** whether a password given to connect is remembered (encrypted) */
  canStorePasswords: boolean;
  /** why not, in one sentence; null when it can */
  passwordNote: string | null;
}

// --- "Take offline…" (export/snapshot.ts, run by the service)

export interface SnapshotJobRequest {
  /** the snapshot file; relative: in the data folder's `snapshots` */
  out: string;
  /** the chains (all when absent or empty) */
  chains?: ChainKey[];
  from?: number | null;
  to?: number | null;
  withRaw?: boolean;
}

export interface SnapshotJob {
  /** the snapshot file, absolute */
  out: string;
  state: 'running' | 'succeeded' | 'failed' | 'cancelled';
  /** the last progress (null before the first) */
  progress: {
    chain: string;
    step: 'configuration' | 'runs' | 'elaborated' | 'events' | 'raw';
    rows: number;
    fraction: number | null;
    chainNumber: number;
    chains: number;
  } | null;
  /** the sentence when it failed or was cancelled, the summary when it succeeded */
  message: string | null;
}
