import { LawsInputError } from '../errors.js';
import { CHINCHILLA_COLUMNS } from './chinchilla-runs.js';

/** Chinchilla training runs as three aligned columns (one entry per run). */
export interface ChinchillaRuns {
  /** Parameters N (the CSV's `Model Size`). */
  readonly N: readonly number[];
  /** Training compute C in FLOP (`Training FLOP`); tokens D = C / (6N). */
  readonly C: readonly number[];
  /** Final training loss in nats/token (`loss`). */
  readonly loss: readonly number[];
}

/**
 * All 245 Chinchilla runs reconstructed from Hoffmann et al. (2022) Fig. 4 by Besiroglu et al. (2024)
 * (Epoch AI, epoch-research/analyzing-chinchilla, data/svg_extracted_data.csv). Tokens are not in the
 * file: D = C / (6N). Besiroglu et al. fit on n = 240 after dropping the 5 highest-loss rows
 * (see {@link chinchillaFitData}).
 */
export const chinchilla: ChinchillaRuns = Object.freeze({
  N: Object.freeze([...CHINCHILLA_COLUMNS.N]),
  C: Object.freeze([...CHINCHILLA_COLUMNS.C]),
  loss: Object.freeze([...CHINCHILLA_COLUMNS.loss]),
});

/**
 * The Chinchilla runs ready for `fitLaw({ N, D, y }, { form: 'chinchilla' })`: D = C / (6N), and the
 * `dropHighestLoss` highest-loss rows removed (default 5, as Besiroglu et al., giving n = 240), rows
 * otherwise in file order.
 */
export function chinchillaFitData(dropHighestLoss = 5): { N: Float64Array; D: Float64Array; y: Float64Array } {
  const { N, C, loss } = chinchilla;
  if (!Number.isInteger(dropHighestLoss) || dropHighestLoss < 0 || dropHighestLoss >= loss.length) {
    throw new LawsInputError(`chinchillaFitData: dropHighestLoss must be an integer in [0, ${loss.length - 1}], found ${dropHighestLoss}`);
  }
  const byLossDesc = Array.from(loss.keys()).sort((a, b) => loss[b]! - loss[a]!);
  const keep = byLossDesc.slice(dropHighestLoss).sort((a, b) => a - b);
  return {
    N: Float64Array.from(keep, (i) => N[i]!),
    D: Float64Array.from(keep, (i) => C[i]! / (6 * N[i]!)),
    y: Float64Array.from(keep, (i) => loss[i]!),
  };
}
