/**
 * Medians over Float64Array scratch buffers, for the despike windows (a few
 * values, sorted by insertion) and the reference windows (sorted natively).
 */

/** Sorts buf[0..n) ascending in place; for the handful of values of a despike window. */
export function insertionSort(buf: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) {
    const v = buf[i]!;
    let j = i - 1;
    while (j >= 0 && buf[j]! > v) {
      buf[j + 1] = buf[j]!;
      j--;
    }
    buf[j + 1] = v;
  }
}

/** Median of the sorted buf[0..n), n ≥ 1; an even count averages the two middle values (§3.7). */
export function medianOfSorted(buf: Float64Array, n: number): number {
  const half = n >> 1;
  return n % 2 === 1 ? buf[half]! : (buf[half - 1]! + buf[half]!) / 2;
}

/** Median of buf[0..n), n ≥ 1, sorting buf in place. */
export function medianInPlace(buf: Float64Array, n: number): number {
  buf.subarray(0, n).sort();
  return medianOfSorted(buf, n);
}

/**
 * median(|w − med|) over the sorted buf[0..n), n ≥ 1, where med is its
 * median. The deviations form two ascending runs (leftwards below med,
 * rightwards above it), so merging them up to the middle finds the same
 * values a sort of the deviations would, without sorting.
 */
export function medianAbsDeviation(sorted: Float64Array, n: number, med: number): number {
  let right = 0;
  while (right < n && sorted[right]! <= med) right++;
  let left = right - 1;
  const half = n >> 1;
  let previous = 0;
  let current = 0;
  for (let m = 0; m <= half; m++) {
    previous = current;
    const below = left >= 0 ? Math.abs(sorted[left]! - med) : Number.POSITIVE_INFINITY;
    const above = right < n ? Math.abs(sorted[right]! - med) : Number.POSITIVE_INFINITY;
    if (below <= above) {
      current = below;
      left--;
    } else {
      current = above;
      right++;
    }
  }
  return n % 2 === 1 ? current : (previous + current) / 2;
}
