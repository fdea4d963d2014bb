/** Shared result and input types of the fitters. */

/** Observations for a fit: `x` for one-variable forms, `N` and `D` for joint forms; `y` the measured quantity. */
export interface Observations {
  x?: ArrayLike<number>;
  N?: ArrayLike<number>;
  D?: ArrayLike<number>;
  /** Unique tokens (data-constrained form: D tokens seen are D/U epochs of U unique tokens). */
  U?: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Optional non-negative row weights (the bootstrap uses integer counts). */
  weights?: ArrayLike<number>;
}

export interface FitResult {
  /** Form name (`power`, `chinchilla`, …). */
  form: string;
  n_points: number;
  /** Fitted parameters by name. */
  params: Record<string, number>;
  /** Parameter values in the form's order. */
  values: Float64Array;
  /** Value of the minimised objective at the optimum (see `objectiveName`). */
  objective: number;
  /** What `objective` is, e.g. `sum Huber(δ=0.001) of log residuals`. */
  objectiveName: string;
  /** Coefficient of determination in the space of the fit (log-space for log fits); null where undefined. */
  r2: number | null;
  /** Confidence intervals by parameter name (filled by the method named in `ciMethod`). */
  ci: Record<string, [number, number]>;
  ci_level: number;
  ciMethod: string;
  /** How the fit was done, e.g. `ols-loglog` or `varpro+lbfgs`. */
  method: string;
  warnings: string[];
  /** Standard errors by parameter name where available (OLS: t-based). */
  se?: Record<string, number>;
  /** Residual standard deviation in the fit's space. */
  sigma: number;
  /** Residuals (observed − fitted) in the fit's space. */
  residuals: Float64Array;
}
