/**
 * The compile cache is asked for only where Node has module.enableCompileCache (22.1+), with no
 * directory of cfglint's choosing (Node's default, outside the linted tree); elsewhere, nothing.
 */
import { enableCompileCache } from '../src/cli/compile-cache';

test('where Node has it, the cache is enabled once with no directory given', () => {
  const calls: unknown[][] = [];
  expect(enableCompileCache({ enableCompileCache: (...args: unknown[]) => calls.push(args) })).toBe(true);
  expect(calls).toEqual([[]]);
});

test('where Node lacks it (Node 20), nothing is called and nothing fails', () => {
  expect(enableCompileCache({})).toBe(false);
});

test('a cache Node cannot set up costs nothing but the cache', () => {
  const refusing = {
    enableCompileCache: () => {
      throw new Error('EACCES');
    },
  };
  expect(enableCompileCache(refusing)).toBe(false);
});
