// The --help text of `scalewise fit` (the --formula part is FORMULA_HELP in fit-formula.ts); split from fit.ts to keep it short.
export const HELP = `scalewise fit FILE --form FORM [options]

Fit a scaling law to a results table (CSV with a header row, or JSON rows) and report parameters with
confidence intervals.

Forms: power (y = a·x^b, OLS in log-log), saturating (E + A·x^-alpha), kaplan-n, kaplan-d, kaplan-c,
kaplan-nd (N, D), chinchilla (E + A/N^alpha + B/D^beta; N, D), bnsl (broken power law, bnsl-K for K breaks).

Options:
  --form FORM       law to fit (required)
  --x COL           column of x for one-variable forms (default: x)
  --y COL           column of the measured quantity (default: y)
  --n COL           column of parameters N (joint forms)
  --d COL           column of tokens D (joint forms)
  --flops COL       column of training FLOPs C; derives D = C / (6N) when --d is not given
  --unit-y UNIT     loss_nats | perplexity | bits_per_byte | accuracy (default: loss_nats for N-D forms)
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
  --compare FORMS   also fit these forms (comma-separated, same inputs) and compare all by AICc; no form
                    is preferred when an AICc is undefined (n <= k + 1) or the best gap is under 2
  Every cell of the columns used must be a decimal number (no hex, Infinity, NaN or blank cells). Tables of
  more than 100,000 rows show progress on stderr.
  --json            print one JSON object: {form, n_points, params, objective, r2, ci, ci_level, method, warnings, ...}

Examples:
  scalewise fit ../shared/data/mobilellm/results.csv --form power --x num_params --y perplexity --unit-y perplexity
  scalewise fit ../shared/data/chinchilla/svg_extracted_data.csv --form chinchilla --n "Model Size" \\
      --flops "Training FLOP" --y loss --drop-top 5 --bootstrap 200 --json
`;
