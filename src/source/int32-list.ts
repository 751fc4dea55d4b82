/**
 * A list of 32-bit integers grown by doubling, for a table built in one pass whose length is not
 * known ahead: four bytes a value, where an array of numbers grown by push takes eight and must
 * then be copied again to become typed (a transient peak on a tree of a million lines).
 */
export class Int32List {
  private values: Int32Array;
  length = 0;

  constructor(capacity = 16) {
    this.values = new Int32Array(Math.max(1, capacity));
  }

  push(value: number): void {
    if (this.length === this.values.length) {
      const bigger = new Int32Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.length++] = value;
  }

  /** The values at their exact length: a copy, which the list's later pushes do not change. */
  toArray(): Int32Array {
    return this.values.slice(0, this.length);
  }
}
