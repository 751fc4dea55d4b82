/**
 * The time limit of tests that feed an input built to be slow (backtracking masks, openers without
 * closers, entity bombs). They assert what is read, not how fast: speed is measured by
 * `npm run bench`. A quadratic or exponential regression on these inputs takes hours, so a limit
 * this generous still catches it without failing on a loaded machine.
 */
export const HANG_GUARD_MS = 60_000;
