/**
 * What one chunk of a chain leaves for the next (ELABORATION.md §5 computed
 * once): each step of §3–§4 that looks back keeps exactly the history it
 * would look at, so a chunk continues where the previous one stopped instead
 * of recomputing its look-back context. Plain data over typed arrays: it
 * travels to and from a worker thread with the chunk.
 */

/** Step 7: each node's last despikeWindow − 1 valid samples, a ring per node. */
export interface DespikeState {
  capacity: number;
  ringT: Float64Array;
  ringX: Float64Array;
  ringY: Float64Array;
  ringNext: Int32Array;
  ringCount: Int32Array;
}

/** Step 8: each node's last valid sample (time NaN = none yet). */
export interface HoldState {
  lastT: Float64Array;
  lastX: Float64Array;
  lastY: Float64Array;
  lastTemperature: Float64Array;
}

/** Step 12: the rows a velocity window can still reach (time-major cumulative columns). */
export interface VelocityState {
  timestamps: Float64Array;
  cumX: Float64Array;
  cumY: Float64Array;
}

/**
 * §4, per evaluated metric (METRICS order, metrics with thresholds only): the
 * chain level at the last timestamp, and the monotonic windows of raw levels
 * (for the on-delay's minimum) and confirmed levels (for the off-delay's maximum).
 */
export interface AlarmState {
  level: number;
  /** raw levels R(τ) that can still be a window minimum: times ascending, levels strictly ascending */
  rawT: number[];
  rawLevel: number[];
  /** confirmed levels C(τ) that can still be a window maximum: times ascending, levels strictly descending */
  confirmedT: number[];
  confirmedLevel: number[];
}

export interface ChainState {
  despike: DespikeState | null;
  hold: HoldState;
  velocity: VelocityState;
  alarms: AlarmState[];
}

export function emptyHoldState(nodeCount: number): HoldState {
  return {
    lastT: new Float64Array(nodeCount).fill(Number.NaN),
    lastX: new Float64Array(nodeCount),
    lastY: new Float64Array(nodeCount),
    lastTemperature: new Float64Array(nodeCount),
  };
}

export function emptyDespikeState(nodeCount: number, despikeWindow: number): DespikeState | null {
  if (despikeWindow <= 1) return null;
  const capacity = despikeWindow - 1;
  return {
    capacity,
    ringT: new Float64Array(nodeCount * capacity),
    ringX: new Float64Array(nodeCount * capacity),
    ringY: new Float64Array(nodeCount * capacity),
    ringNext: new Int32Array(nodeCount),
    ringCount: new Int32Array(nodeCount),
  };
}

export function emptyVelocityState(): VelocityState {
  return { timestamps: new Float64Array(0), cumX: new Float64Array(0), cumY: new Float64Array(0) };
}

export function emptyAlarmState(): AlarmState {
  return { level: 0, rawT: [], rawLevel: [], confirmedT: [], confirmedLevel: [] };
}
