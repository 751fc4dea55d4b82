/**
 * How much a reader's evaluator or expander may build from a few bytes of text: gunicorn's
 * `a = a + a`, Tomcat's and Spring's `${…}` chains, shell and Dockerfile variables that quote
 * each other. Each doubling step is cheap to write and the result grows exponentially; past a
 * budget the value is unknown (as if it were not statically known), never cut short into a
 * wrong value. The budgets are far above any real configuration value.
 */

/** Characters in one value: 64 KiB (for a Python list or tuple, its items and their characters, through nested ones). */
export const MAX_VALUE_LENGTH = 64 * 1024;

/** Placeholders resolved for one value, counting each one inside every value it pulls in. */
export const MAX_EXPANSION_STEPS = 10_000;

/** Why a value is unknown when it went past a budget, in the words readers give as the reason. */
export const OVER_BUDGET = `a value longer than ${MAX_VALUE_LENGTH / 1024} KiB once expanded (not followed)`;
