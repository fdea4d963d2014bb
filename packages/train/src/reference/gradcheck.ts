/** Test helpers: central finite differences in float64 and a norm-wise relative error. */

/** Central-difference gradient of f with respect to every entry of param (restored afterwards). */
export function finiteDifference(f: () => number, param: Float64Array, h = 1e-5): Float64Array {
  const out = new Float64Array(param.length);
  for (let i = 0; i < param.length; i++) {
    const old = param[i]!;
    param[i] = old + h;
    const plus = f();
    param[i] = old - h;
    const minus = f();
    param[i] = old;
    out[i] = (plus - minus) / (2 * h);
  }
  return out;
}

/** ‖a − b‖ / max(‖a‖ + ‖b‖, tiny): 0 for equal vectors, 1 for unrelated ones. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0,
    na = 0,
    nb = 0;
  for (let i = 0; i < a.length; i++) {
    diff += (a[i]! - b[i]!) ** 2;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  return Math.sqrt(diff) / Math.max(Math.sqrt(na) + Math.sqrt(nb), 1e-30);
}
