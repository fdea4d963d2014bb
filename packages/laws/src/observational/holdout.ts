/**
 * The paper's held-out validation: rank the models (by compute, else by PC-1), fit on the weaker ones and predict
 * the strongest. Imputation and PCA are refitted on the training models only and applied to the held-out ones,
 * so nothing about them leaks into the fit.
 */
import { fitLink, predictLink, type LinkOptions, type LinkPrediction } from './link-fit.js';
import { fitPca, imputeWith, pcaImpute, pcaScores } from './pca.js';
import type { BenchmarkScores } from './table.js';

export interface HoldoutScore {
  mse_train: number;
  mse_test: number;
  /** Held-out targets inside their prediction interval. */
  covered: number;
}

export interface HoldoutCheck {
  ranked_by: string;
  /** Largest ranking value among the training models: models above it are held out. */
  cutoff: number;
  n_train: number;
  n_test: number;
  pc: HoldoutScore;
  compute?: HoldoutScore;
  models: { model: string; target: number; pc: LinkPrediction; compute?: LinkPrediction }[];
}

export interface HoldoutOptions {
  share: number;
  components: number;
  link: LinkOptions;
  rank: (i: number) => number;
  rankedBy: string;
}

function score(preds: LinkPrediction[], y: number[], mseTrain: number): HoldoutScore {
  return {
    mse_train: mseTrain,
    mse_test: preds.reduce((s, p, i) => s + (y[i]! - p.estimate) ** 2, 0) / preds.length,
    covered: preds.filter((p, i) => p.prediction[0] <= y[i]! && y[i]! <= p.prediction[1]).length,
  };
}

/** Fit on the weaker models of `rows`, predict the strongest `share`; a string says why the check cannot be made. */
export function holdoutCheck(input: BenchmarkScores, rows: number[], options: HoldoutOptions): HoldoutCheck | string {
  const sorted = [...rows].sort((a, b) => options.rank(a) - options.rank(b));
  let nTest = Math.max(1, Math.round(options.share * sorted.length));
  // Models tied with the weakest held-out one are held out too: the split is "above the cutoff", never through a tie.
  while (nTest < sorted.length && options.rank(sorted[sorted.length - nTest - 1]!) === options.rank(sorted[sorted.length - nTest]!))
    nTest++;
  const train = sorted.slice(0, sorted.length - nTest);
  const test = sorted.slice(sorted.length - nTest);
  const need = Math.max(4, options.components + 3);
  if (train.length < need) return `${train.length} models left to fit after holding out ${test.length}: need at least ${need}`;
  const unseen = input.benchmarks.filter((_, j) => train.every((i) => Number.isNaN(input.scores[i]![j]!)));
  if (unseen.length > 0) return `no model left to fit has a score on ${unseen.join(', ')}: nothing to impute it from`;
  const target = input.target!.values;
  const yTrain = Float64Array.from(train, (i) => target[i]!);
  const yTest = test.map((i) => target[i]!);
  const imputed = pcaImpute(train.map((i) => input.scores[i]!));
  const pca = fitPca(imputed.rows);
  const xTrain = imputed.rows.map((r) => pcaScores(pca, r, options.components));
  const xTest = imputeWith(
    imputed.imputer,
    test.map((i) => input.scores[i]!),
  ).map((r) => pcaScores(pca, r, options.components));
  const names = Array.from({ length: options.components }, (_, c) => `PC-${c + 1}`);
  let pcModel;
  try {
    pcModel = fitLink(names, xTrain, yTrain, options.link);
  } catch (error) {
    return `the sigmoid cannot be fitted on the ${train.length} weaker models (${(error as Error).message})`;
  }
  const pcPreds = xTest.map((x, j) => predictLink(pcModel, x, options.link.level, options.link.seed + j));
  const check: HoldoutCheck = {
    ranked_by: options.rankedBy,
    cutoff: options.rank(train[train.length - 1]!),
    n_train: train.length,
    n_test: test.length,
    pc: score(pcPreds, yTest, pcModel.fit.mse),
    models: test.map((i, j) => ({ model: input.models[i]!, target: target[i]!, pc: pcPreds[j]! })),
  };
  const compute = input.compute?.values;
  if (compute) {
    const log = (i: number) => Float64Array.of(Math.log10(compute[i]!));
    let cModel;
    try {
      cModel = fitLink([`log10(${input.compute!.name})`], train.map(log), yTrain, options.link);
    } catch {
      return check; // the training models' compute cannot carry a sigmoid (e.g. one value): no compute comparison
    }
    const cPreds = test.map((i, j) => predictLink(cModel, log(i), options.link.level, options.link.seed + j));
    check.compute = score(cPreds, yTest, cModel.fit.mse);
    check.models.forEach((m, j) => (m.compute = cPreds[j]!));
  }
  return check;
}
