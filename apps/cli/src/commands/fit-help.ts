// The --help text of `scalewise fit` (the --formula part is FORMULA_HELP in fit-formula.ts); split from fit.ts to keep it short.
export const HELP = `scalewise fit FILE --form FORM [options]

Fit a scaling law to a results table (CSV with a header row, or JSON rows) and report parameters with
confidence intervals.

Forms: power (y = a·x^b, OLS in log-log), saturating (E + A·x^-alpha), kaplan-n, kaplan-d, kaplan-c,
kaplan-nd (N, D), chinchilla (E + A/N^alpha + B/D^beta; N, D), bnsl (broken power law, bnsl-K for K breaks),
data-constrained (Muennighoff 2023: N, D tokens seen, U unique tokens), downstream (Bhagia 2024: task loss
then accuracy), loss-to-loss (Brandfonbrener 2024: L2 = K·(L1 − E1)^kappa + E2).

Options:
  --form FORM       law to fit (required)
  --x COL           column of x for one-variable forms (default: x)
  --y COL           column of the measured quantity (default: y)
  --n COL           column of parameters N (joint forms)
  --d COL           column of tokens D (joint forms)
  --flops COL       column of training FLOPs C; derives D = C / (6N) when --d is not given
  --unit-y UNIT     loss_nats | perplexity | bits_per_byte | accuracy. Without it the unit is guessed from the
                    column name (ppl/perplexity → perplexity, bpb → bits_per_byte, acc → accuracy, loss → loss_nats;
                    otherwise loss_nats), always with a warning; --json records units.y_from
  --unit-x UNIT     params_total | params_non_embedding | tokens | flops (labels only)
  --bootstrap K     nonparametric bootstrap with K resamples (percentile CIs, expanded for n - k degrees
                    of freedom in least-squares fits), an integer in [0, 100000]; default 0 for power and
                    one-variable forms (t / Wald intervals), 200 for chinchilla and kaplan-nd
  --seed S          seed of the bootstrap, an integer in [0, 2^32 - 1] (default 0)
  --profile         also compute profile-likelihood intervals of every parameter (F calibration; robust
                    likelihood-ratio calibration for the Huber objective of chinchilla); they become "ci"
                    when no bootstrap runs, and are printed as "ci_profile" in --json (an unbounded end
                    prints as null, with a warning)
  --drop-top K      drop the K rows with the highest y first (Besiroglu et al. use 5)
  --method M        ols | nls (power), varpro | grid (chinchilla), nls (other forms and --formula)
  --loss ls|huber   residual loss (default: huber for chinchilla, ls otherwise; power's ols is least squares,
                    use --method nls for huber); --delta D sets Huber's threshold (default 1e-3). --json records
                    fit_method, loss and delta
  --predict LIST    predict at new points with 95% prediction intervals (parameter uncertainty from bootstrap
                    refits plus residual noise, in the fit's residual space): X[,X...] for one-variable forms,
                    N:D[,N:D...] for N-D forms (a --formula's variables in formula order, joined by ':');
                    uses the --bootstrap refits, or 200 of its own when --bootstrap is 0. --json: "predictions"
  --compare FORMS   also fit these forms (comma-separated, same inputs; works with --formula too) and print one
                    table: k (parameters + noise variance), AICc, BIC, leave-one-out error (10-fold above 300
                    rows), error extrapolating to the largest x (N), and the AICc rule: no form is preferred when
                    an AICc is undefined (n <= k + 1) or the best gap is under 2. --json: "comparison" (one row per
                    form), "comparison_reason"
  --optimal LIST    chinchilla only: compute-optimal N, D and tokens per parameter at these budgets C (FLOPs,
                    C = 6ND) with bootstrap percentile intervals. --json: "optimal"
  Every cell of the columns used must be a decimal number (no hex, Infinity, NaN or blank cells). Tables of
  more than 100,000 rows show progress on stderr.
  Issue #19 forms (bootstrap 200 resamples by default, over runs):
  --unique COL      data-constrained: unique tokens U (U <= D); with --n COL --d COL --y COL
  --fix SPEC        data-constrained: 'published' holds the paper's A, B, E, alpha, beta (C4) and fits only
                    R_N_star, R_D_star; or NAME=V,... (default: all seven fitted); loss-to-loss: E1=V,E2=V
  --task-loss COL   downstream: task loss column; with --n COL --d COL --acc COL (accuracy in [0, 1])
  --predict N:D     downstream: predict task loss and accuracy at N:D (comma-separated for several)
  --json            print one JSON object: {form, n_points, params, objective, r2, ci, ci_level, method, warnings, ...}

Examples:
  scalewise fit ../shared/data/mobilellm/results.csv --form power --x num_params --y perplexity --unit-y perplexity
  scalewise fit ../shared/data/chinchilla/svg_extracted_data.csv --form chinchilla --n "Model Size" \\
      --flops "Training FLOP" --y loss --drop-top 5 --bootstrap 200 --json
  scalewise fit ../shared/data/chinchilla/svg_extracted_data.csv --form chinchilla --n "Model Size" \\
      --flops "Training FLOP" --y loss --drop-top 5 --predict 7e10:1.4e12 --compare kaplan-nd --optimal 1e21,1e24
`;
