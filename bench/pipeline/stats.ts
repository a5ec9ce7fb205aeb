/** The value below which `fraction` of the sorted samples fall (nearest rank); NaN when there are none. */
export function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) {
    return Number.NaN;
  }

  const rank = Math.ceil(fraction * sorted.length) - 1;

  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] ?? Number.NaN;
}

/** A sorted copy of the first `count` samples. */
export function sortedSamples(samples: Float64Array, count: number): Float64Array {
  return samples.slice(0, count).sort();
}
