import { firstAtLeast, holdsOffsetWithin } from '../../src/source/sorted-offsets';

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

describe('firstAtLeast', () => {
  const sorted = new Int32Array([2, 5, 5, 9, 14]);

  test('the first index whose value is at least the one asked, within a range of the list', () => {
    expect(firstAtLeast(sorted, 5)).toBe(1);
    expect(firstAtLeast(sorted, 6)).toBe(3);
    expect(firstAtLeast(sorted, 0)).toBe(0);
    expect(firstAtLeast(sorted, 9, 3, 5)).toBe(3);
    expect(firstAtLeast(sorted, 2, 1, 4)).toBe(1);
  });

  test('the end of the range when every value there is smaller', () => {
    expect(firstAtLeast(sorted, 15)).toBe(5);
    expect(firstAtLeast(sorted, 14, 0, 3)).toBe(3);
    expect(firstAtLeast([], 1)).toBe(0);
  });
});
