// The --help text of `scalewise plan`, split from plan.ts to keep it short.
export const HELP = `scalewise plan (--form FORM | --formula TEXT) --params JSON --param NAME --sizes LIST [options]

Plan a scaling study by simulation: for each candidate design, simulate studies from a known law with
log-normal noise, refit each as the real study would be fitted, and report how wide the 95% interval of
one parameter comes out: its median width, the share of studies under the target width, the coverage
(share of intervals containing the true value: a check of the interval method) and the smallest design
in the list whose median width meets the target.

Designs:
  --sizes LIST        model sizes (N, or x for one-variable forms), either
                        counts:  4,8,16            designs of 4, 8 and 16 sizes log-spaced over --size-range
                        sets:    "1e8,3e8,1e9;1e8,2e8,4e8,8e8;"   explicit sizes, each set ending in ';'
  --size-range LO..HI range of the counted sizes, e.g. 7e7..4e10
  --budgets LIST      two-input forms (chinchilla, kaplan-nd, formulas in N and D): per size, either
                        counts:  3,5               3 or 5 token budgets per size, log-spaced from 2 to 200
                                                   tokens per parameter (around Chinchilla's 20)
                        sets:    "1e19,1e20,1e21;" compute budgets in FLOPs: each size is trained at
                                                   D = C/(6N) for every C (an IsoFLOP grid)
  --budget-unit U     flops (default) or tokens: what the values of budget sets are
  Every sizes design is crossed with every budgets design. Designs are listed and judged cheapest first
  (total training compute Σ 6·N·D for two-input forms, else the sum of the sizes).

Law and noise:
  --form FORM         a built-in form (power, saturating, kaplan-*, chinchilla, bnsl)
  --formula TEXT      or a custom law, e.g. "E + A*N^(-alpha) + B*D^(-beta)"; --var NAME names its
                      variables (default: x, N, D as they appear), --bound and --start as in fit --formula
  --params JSON       the true parameters, e.g. '{"E":1.69,"A":406.4,"B":410.7,"alpha":0.34,"beta":0.28}'
  --noise SIGMA       sd of ln y around the law (default 0.015, an assumption: use your fit's sigma)

Target and simulation:
  --param NAME        the parameter whose interval is planned
  --target-width W    the interval width to reach (absolute, in the parameter's units)
  --replicates R      simulated studies per design (default 100; more for finer fractions), in [2, 100000]
  --seed S            seed (default 0)
  --json              print one JSON object: "designs" (label, sizes, budgets, runs, compute_flops,
                      median_width, fraction_below_target, coverage, failed, meets_target), "smallest"

Intervals are those a study would report: profile likelihood for chinchilla, t for power, the fit's own
(Wald, profile where Wald crosses a bound) for others. Progress with an ETA goes to stderr.

Example (Chinchilla-like: which design gives an alpha interval narrower than 0.1?):
  scalewise plan --form chinchilla --params '{"E":1.69,"A":406.4,"B":410.7,"alpha":0.34,"beta":0.28}' \\
    --param alpha --target-width 0.1 --sizes 4,8,16 --size-range 7e7..4e10 --budgets 3,6
`;
