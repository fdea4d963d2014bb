/**
 * Open-addressing hash table from non-negative integer keys (< 2^53, e.g. n-grams encoded in base 258) to
 * numbers, in typed arrays: several million n-gram counts without a Map's per-entry objects.
 */
export class CountTable {
  private keys: Float64Array;
  private values: Float64Array;
  private used: Uint8Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1024) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.keys = new Float64Array(cap);
    this.values = new Float64Array(cap);
    this.used = new Uint8Array(cap);
    this.mask = cap - 1;
  }

  private slot(key: number): number {
    // Mix the low and high 32 bits (keys exceed 2^32 from five symbols on).
    const lo = key >>> 0;
    const hi = Math.floor(key / 4294967296) >>> 0;
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    let i = h & this.mask;
    while (this.used[i] === 1 && this.keys[i] !== key) i = (i + 1) & this.mask;
    return i;
  }

  get(key: number): number {
    const i = this.slot(key);
    return this.used[i] === 1 ? (this.values[i] as number) : 0;
  }

  /** Adds `by` to the key's value (absent keys start at 0). */
  add(key: number, by = 1): void {
    let i = this.slot(key);
    if (this.used[i] === 0) {
      if ((this.size + 1) * 2 > this.keys.length) {
        this.grow();
        i = this.slot(key);
      }
      this.used[i] = 1;
      this.keys[i] = key;
      this.size++;
    }
    this.values[i] = (this.values[i] as number) + by;
  }

  /** Calls `fn(key, value)` for every entry, in no particular order. */
  forEach(fn: (key: number, value: number) => void): void {
    for (let i = 0; i < this.keys.length; i++) if (this.used[i] === 1) fn(this.keys[i] as number, this.values[i] as number);
  }

  private grow(): void {
    const { keys, values, used } = this;
    const cap = keys.length * 2;
    this.keys = new Float64Array(cap);
    this.values = new Float64Array(cap);
    this.used = new Uint8Array(cap);
    this.mask = cap - 1;
    this.size = 0;
    for (let i = 0; i < keys.length; i++) if (used[i] === 1) this.add(keys[i] as number, values[i] as number);
  }
}
