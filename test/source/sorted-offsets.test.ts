import { holdsOffsetWithin } from '../../src/source/sorted-offsets';

describe('holdsOffsetWithin', () => {
  const offsets = [3, 10, 42];

  test('an offset at the start counts, one at the end does not', () => {
    expect(holdsOffsetWithin(offsets, 10, 11)).toBe(true);
    expect(holdsOffsetWithin(offsets, 4, 10)).toBe(false);
    expect(holdsOffsetWithin(offsets, 0, 3)).toBe(false);
    expect(holdsOffsetWithin(offsets, 0, 4)).toBe(true);
  });

  test('ranges before, between and after the offsets, and an empty list', () => {
    expect(holdsOffsetWithin(offsets, 11, 42)).toBe(false);
    expect(holdsOffsetWithin(offsets, 43, 100)).toBe(false);
    expect(holdsOffsetWithin(offsets, 0, 100)).toBe(true);
    expect(holdsOffsetWithin([], 0, 100)).toBe(false);
  });
});
