import { InputError } from './errors.js';

/**
 * The generator's whole state, plain numbers so it survives JSON: four uint32 words of sfc32, plus, when
 * `normal()` has a second Box–Muller value waiting, that value as a fifth element.
 */
export type RngState = readonly number[];

/** A seed: any finite number (equal numbers give equal streams) or a string (hashed with FNV-1a). */
export type RngSeed = number | string;

const TWO32 = 4294967296;

/** 32-bit FNV-1a hash of a string: used to derive independent streams, e.g. one per tensor name. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function seedWord(seed: RngSeed): number {
  const value = typeof seed === 'string' ? hashString(seed) : seed;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new InputError(`rng: seed must be a finite number or a string, found ${String(seed)}`);
  // Seeds beyond 32 bits mix their high part in, so 1 and 2**32 + 1 differ; 32-bit seeds are used as they are.
  const high = Math.floor(value / TWO32);
  return high === 0 ? value >>> 0 : ((value >>> 0) ^ Math.imul(high | 0, 0x9e3779b1)) >>> 0;
}

/**
 * A small seeded PRNG (sfc32, seeded through splitmix32 and warmed up 12 steps): fast, 128-bit state,
 * deterministic on every platform. Not cryptographic. Its state can be saved with
 * `state()` and restored with `new Rng({ state })`, after which the stream continues exactly.
 */
export class Rng {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;
  /** The second value of the last Box–Muller pair, not yet handed out. */
  private spare: number | undefined;

  constructor(seed: RngSeed | { state: RngState } = 0) {
    if (typeof seed === 'object' && seed !== null) {
      this.restore(seed.state);
      return;
    }
    let s = seedWord(seed);
    const split = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = split();
    this.b = split();
    this.c = split();
    this.d = split();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    const c = (this.c << 21) | (this.c >>> 11);
    this.c = (c + t) >>> 0;
    return t;
  }

  /** Uniform float in [0, 1) with 32 bits of randomness. */
  next(): number {
    return this.nextUint32() / TWO32;
  }

  /** Uniform integer in [0, n); `n` a positive integer. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`rng.int: n must be a positive integer, found ${n}`);
    return Math.floor(this.next() * n);
  }

  /** Standard normal N(0, 1) (Box–Muller; both values of each pair are used). */
  normal(): number {
    if (this.spare !== undefined) {
      const v = this.spare;
      this.spare = undefined;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Fill `out` with N(mean, std²) values; returns `out`. */
  fillNormal<T extends Float32Array | Float64Array | number[]>(out: T, mean = 0, std = 1): T {
    for (let i = 0; i < out.length; i++) out[i] = mean + std * this.normal();
    return out;
  }

  /** The whole state (JSON-safe); `new Rng({ state })` continues the identical stream. */
  state(): number[] {
    const words = [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0];
    return this.spare === undefined ? words : [...words, this.spare];
  }

  /** Continue from a saved state (bad states, e.g. from a damaged checkpoint, are input errors). */
  restore(state: RngState): void {
    if (!Array.isArray(state) || (state.length !== 4 && state.length !== 5)) {
      throw new InputError(`rng state: expected 4 uint32 words and an optional spare normal value, found ${JSON.stringify(state)}`);
    }
    for (let i = 0; i < 4; i++) {
      const w = state[i] as number;
      if (!Number.isInteger(w) || w < 0 || w >= TWO32)
        throw new InputError(`rng state: word ${i} must be an integer in [0, 2^32), found ${w}`);
    }
    if (state.length === 5 && !Number.isFinite(state[4]))
      throw new InputError(`rng state: the spare normal value must be finite, found ${state[4]}`);
    [this.a, this.b, this.c, this.d] = state as [number, number, number, number];
    this.spare = state.length === 5 ? state[4] : undefined;
  }
}

/** A generator from a seed (default 0) or from a saved state. */
export function createRng(seed: RngSeed | { state: RngState } = 0): Rng {
  return new Rng(seed);
}

/** A seeded Fisher–Yates permutation of 0..n−1. */
export function permutation(n: number, rng: Rng): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = out[i]!;
    out[i] = out[j]!;
    out[j] = tmp;
  }
  return out;
}
