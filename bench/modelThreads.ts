/** The most threads `classifier.threads` allows (src/config/schema.ts). */
const MAX_THREADS = 64;

/** Reads a `--threads` value as the hub's config would take it: a whole number from 1 to 64; absent, 1. */
export function parseThreads(value: string | undefined): number {
  if (value === undefined) {
    return 1;
  }
  const threads = Number(value);
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new Error(`--threads must be a whole number from 1 to ${MAX_THREADS}, not '${value}'`);
  }

  return threads;
}
