import type { Arr } from './types.js';

/** h = silu(g) · u,  silu(g) = g · σ(g)   (all [N·F]). */
export function swigluForward(h: Arr, g: Arr, u: Arr, size: number): void {
  for (let i = 0; i < size; i++) {
    const gi = g[i]!;
    h[i] = (gi / (1 + Math.exp(-gi))) * u[i]!;
  }
}

/** dg = dh · u · σ(g)(1 + g(1 − σ(g))),  du = dh · silu(g); overwrites dg and du. */
export function swigluBackward(dg: Arr, du: Arr, dh: Arr, g: Arr, u: Arr, size: number): void {
  for (let i = 0; i < size; i++) {
    const gi = g[i]!;
    const sig = 1 / (1 + Math.exp(-gi));
    const d = dh[i]!;
    dg[i] = d * u[i]! * sig * (1 + gi * (1 - sig));
    du[i] = d * gi * sig;
  }
}
