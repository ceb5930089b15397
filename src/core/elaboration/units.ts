/** Degree/radian factors, computed once so every conversion multiplies by the same double (§3). */
export const RAD_TO_DEG = 180 / Math.PI;
export const DEG_TO_RAD = Math.PI / 180;

/** Seconds per hour, for the hour parameters of §2 (an hours value h means h · 3600 seconds). */
export const HOUR = 3600;

/** Seconds per day, the velocity's time unit (§3.12). */
export const DAY = 86400;
