/** The flag bits of `elaborated_rsn_data.flags` (ELABORATION.md §3.13), defined once. */
export const FLAG_INVALID = 1;
export const FLAG_SPIKE_X = 2;
export const FLAG_SPIKE_Y = 4;
export const FLAG_HELD = 8;
export const FLAG_NO_REFERENCE = 16;
export const FLAG_GRAVITY = 32;

/** Each bit with the name the data-quality counts use. */
export const FLAG_BITS = [
  ['invalid', FLAG_INVALID],
  ['spikeX', FLAG_SPIKE_X],
  ['spikeY', FLAG_SPIKE_Y],
  ['held', FLAG_HELD],
  ['noReference', FLAG_NO_REFERENCE],
  ['gravity', FLAG_GRAVITY],
] as const;

export type FlagName = (typeof FLAG_BITS)[number][0];
