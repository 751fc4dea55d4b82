import { Int32List } from '../../src/source/int32-list';

describe('Int32List', () => {
  test('keeps every value in order as it grows past its capacity', () => {
    const list = new Int32List(2);
    for (let i = 0; i < 1000; i++) list.push(i * 3 - 500);
    expect(list.length).toBe(1000);
    const values = list.toArray();
    expect(values).toHaveLength(1000);
    expect(values[0]).toBe(-500);
    expect(values[999]).toBe(2497);
    expect(Array.from(values).every((value, i) => value === i * 3 - 500)).toBe(true);
  });

  test('gives a copy at its exact length, unchanged by later pushes', () => {
    const list = new Int32List(0);
    expect(list.toArray()).toHaveLength(0);
    list.push(7);
    const before = list.toArray();
    list.push(8);
    expect(Array.from(before)).toEqual([7]);
    expect(Array.from(list.toArray())).toEqual([7, 8]);
  });
});
