/**
 * The physics of the demo site, as plain functions of time and depth:
 * ground movement fields (landslide slip surface, retaining-wall bulge) and
 * ground temperature (air cycles damped and delayed with depth). The
 * generator evaluates these, adds the sensors' own behaviour (calibration,
 * thermal drift, noise, faults) and inverts the calibration to raw counts.
 */

export const DEG = 180 / Math.PI;
export const RAD = Math.PI / 180;
export const DAY_S = 86400;

/**
 * A landslide: the chain is sheared across a slip surface (a logistic step of
 * half-width `bandM` centred at `slipDepthM`), and the sliding mass above it
 * also deforms a little (a `distributedFraction` of the movement spread
 * linearly from the slip surface up to the ground). Slow creep at
 * `creepMmPerDay` all the time, plus an optional rainfall-triggered surge.
 */
export interface SlideMotion {
  kind: 'slide';
  slipDepthM: number;
  bandM: number;
  distributedFraction: number;
  /** direction of movement in the sensors' X/Y frame, degrees from +X towards +Y */
  azimuthDeg: number;
  creepMmPerDay: number;
  /**
   * Surge after scenario day `day`: the velocity gains
   * `(1 − e^(−s/riseDays)) · (peakMmPerDay · e^(−s/decayDays) + afterMmPerDay)`,
   * s = days since: a peak that fades, and a lasting reactivation.
   */
  surge?: { day: number; peakMmPerDay: number; riseDays: number; decayDays: number; afterMmPerDay: number };
}

/**
 * A retaining wall (anchored head, embedded toe) bowing out: lateral
 * displacement `U(t) · sin²(π z / heightM)` for z in [0, heightM], 0 below.
 * `U` grows with excavation stages (smooth steps) and slow creep.
 */
export interface BulgeMotion {
  kind: 'bulge';
  heightM: number;
  azimuthDeg: number;
  creepMmPerDay: number;
  stages: Array<{ day: number; mm: number; days: number }>;
}

export type Motion = SlideMotion | BulgeMotion;

/** Movement amplitude in mm at `tau` days from the first timestamp (0 at tau = 0 for creep-only motions). */
export function motionAmplitude(motion: Motion, tau: number): number {
  if (motion.kind === 'slide') {
    let a = motion.creepMmPerDay * tau;
    const surge = motion.surge;
    if (surge && tau > surge.day) {
      // ∫0^s P (e^(−x/D) − e^(−x k)) + A (1 − e^(−x/R)) dx with k = 1/R + 1/D
      const s = tau - surge.day;
      const r = surge.riseDays;
      const d = surge.decayDays;
      const k = 1 / r + 1 / d;
      a += surge.peakMmPerDay * (d * (1 - Math.exp(-s / d)) - (1 - Math.exp(-s * k)) / k);
      a += surge.afterMmPerDay * (s - r * (1 - Math.exp(-s / r)));
    }
    return a;
  }
  let a = motion.creepMmPerDay * tau;
  for (const stage of motion.stages) a += stage.mm * smoothstep((tau - stage.day) / stage.days);
  return a;
}

/** Velocity of the movement amplitude in mm/day (analytic derivative of motionAmplitude). */
export function motionVelocity(motion: Motion, tau: number): number {
  if (motion.kind === 'slide') {
    let v = motion.creepMmPerDay;
    const surge = motion.surge;
    if (surge && tau > surge.day) {
      const s = tau - surge.day;
      v +=
        (1 - Math.exp(-s / surge.riseDays)) *
        (surge.peakMmPerDay * Math.exp(-s / surge.decayDays) + surge.afterMmPerDay);
    }
    return v;
  }
  let v = motion.creepMmPerDay;
  for (const stage of motion.stages) {
    const x = (tau - stage.day) / stage.days;
    if (x > 0 && x < 1) v += (stage.mm / stage.days) * 6 * x * (1 - x);
  }
  return v;
}

/** Shape of the movement along the borehole: fraction of the amplitude at depth z (m). */
export function motionShape(motion: Motion, z: number): number {
  if (motion.kind === 'slide') {
    const step = 1 / (1 + Math.exp((z - motion.slipDepthM) / motion.bandM));
    const spread = z <= 0 ? 1 : z >= motion.slipDepthM ? 0 : 1 - z / motion.slipDepthM;
    return (1 - motion.distributedFraction) * step + motion.distributedFraction * spread;
  }
  if (z <= 0 || z >= motion.heightM) return 0;
  const s = Math.sin((Math.PI * z) / motion.heightM);
  return s * s;
}

function smoothstep(x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  return x * x * (3 - 2 * x);
}

/** Air temperature at a site: mean, annual and daily cycles, weather. */
export interface AirClimate {
  meanC: number;
  annualAmpC: number;
  /** day of year (1-based, fractional) of the warmest day */
  annualPeakDoy: number;
  dailyAmpC: number;
  /** UTC hour of the daily maximum */
  dailyPeakHourUtc: number;
  /** standard deviation and correlation time of the weather anomaly (AR(1)) */
  weatherSigmaC: number;
  weatherTauDays: number;
}

/** How the ground (or concrete) around a chain damps the air cycles with depth. */
export interface GroundThermal {
  /** e-folding depths (m) of the daily cycle, the annual cycle and weather */
  dailyDampM: number;
  annualDampM: number;
  weatherDampM: number;
  /** geothermal gradient, °C per m */
  gradientCPerM: number;
}

/**
 * Per-node constants of the temperature model: T(z, t) = mean + gradient·z
 * + A_y e^(−z/d_y) cos(θ_y(t) − z/d_y) + A_d e^(−z/d_d) cos(θ_d(t) − z/d_d)
 * + weather(t) e^(−z/d_w) — the classic damped, delayed heat wave of a
 * periodic surface temperature, per cycle.
 */
export interface NodeThermal {
  base: number;
  annualCos: number;
  annualSin: number;
  dailyCos: number;
  dailySin: number;
  weather: number;
}

export function nodeThermal(air: AirClimate, ground: GroundThermal, z: number): NodeThermal {
  const ay = air.annualAmpC * Math.exp(-z / ground.annualDampM);
  const py = z / ground.annualDampM;
  const ad = air.dailyAmpC * Math.exp(-z / ground.dailyDampM);
  const pd = z / ground.dailyDampM;
  return {
    base: air.meanC + ground.gradientCPerM * z,
    annualCos: ay * Math.cos(py),
    annualSin: ay * Math.sin(py),
    dailyCos: ad * Math.cos(pd),
    dailySin: ad * Math.sin(pd),
    weather: Math.exp(-z / ground.weatherDampM),
  };
}

/** Phases θ_y and θ_d of the air cycles at epoch time t (s). */
export function airPhases(air: AirClimate, t: number): { annual: number; daily: number } {
  const year0 = Date.UTC(new Date(t * 1000).getUTCFullYear(), 0, 1) / 1000;
  const doy = 1 + (t - year0) / DAY_S;
  const annual = (2 * Math.PI * (doy - air.annualPeakDoy)) / 365.25;
  const hour = (((t % DAY_S) + DAY_S) % DAY_S) / 3600;
  const daily = (2 * Math.PI * (hour - air.dailyPeakHourUtc)) / 24;
  return { annual, daily };
}

/** Temperature of a node given the cycle phases (cos/sin) and the weather anomaly at the surface. */
export function nodeTemperature(
  n: NodeThermal,
  cosAnnual: number,
  sinAnnual: number,
  cosDaily: number,
  sinDaily: number,
  weather: number,
): number {
  // cos(θ − p) = cos θ cos p + sin θ sin p
  return (
    n.base +
    cosAnnual * n.annualCos +
    sinAnnual * n.annualSin +
    cosDaily * n.dailyCos +
    sinDaily * n.dailySin +
    weather * n.weather
  );
}
