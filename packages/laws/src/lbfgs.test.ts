import { describe, expect, it } from 'vitest';
import { Lbfgs } from './lbfgs.js';

const rosen =
  (scale: number) =>
  (x: Float64Array, g: Float64Array): number => {
    const [a, b] = [x[0]!, x[1]!];
    g[0] = scale * (-2 * (1 - a) - 400 * a * (b - a * a));
    g[1] = scale * 200 * (b - a * a);
    return scale * ((1 - a) ** 2 + 100 * (b - a * a) ** 2);
  };

describe('Lbfgs', () => {
  it('minimises Rosenbrock from (-1.2, 1)', () => {
    const x = Float64Array.of(-1.2, 1);
    const res = new Lbfgs(2).minimize(rosen(1), x, { relTol: 1e-14, gradTol: 1e-12, fFloor: 1e-20 });
    expect(x[0]).toBeCloseTo(1, 5);
    expect(x[1]).toBeCloseTo(1, 5);
    expect(res.f).toBeLessThan(1e-10);
  });

  it('stopping is scale-aware: the objective times 1e-6 converges to the same point', () => {
    const x1 = Float64Array.of(-1.2, 1);
    const x2 = Float64Array.of(-1.2, 1);
    new Lbfgs(2).minimize(rosen(1), x1, { fFloor: 1e-3 });
    const res = new Lbfgs(2).minimize(rosen(1e-6), x2, { fFloor: 1e-9 });
    expect(res.iterations).toBeGreaterThan(10);
    expect(x2[0]).toBeCloseTo(x1[0]!, 4);
    expect(x2[1]).toBeCloseTo(x1[1]!, 4);
  });

  it('reports a non-finite start instead of returning NaN silently', () => {
    const res = new Lbfgs(1).minimize(() => Number.NaN, Float64Array.of(0));
    expect(res.converged).toBe(false);
    expect(res.reason).toBe('non-finite');
  });
});
