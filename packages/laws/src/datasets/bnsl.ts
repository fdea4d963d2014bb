/** One point of the BNSL 4-digit-addition learning curve. */
export interface BnslAdditionRow {
  /** Training set size (examples). */
  dataset_size: number;
  /** Test loss at that size (the paper's y axis). */
  loss: number;
  /** `fit`: the 14 smallest sizes the paper fits; `extrapolate`: the 3 largest it predicts. */
  split: 'fit' | 'extrapolate';
}

const row = (dataset_size: number, loss: number, split: BnslAdditionRow['split']): BnslAdditionRow =>
  Object.freeze({ dataset_size, loss, split });

/**
 * 4-digit addition, loss against dataset size (Caballero et al. 2022, "Broken Neural Scaling Laws",
 * Fig. 4 left): 17 points whose slope changes sign of curvature, the broken-power-law showcase. From
 * github.com/ethancaballero/broken_neural_scaling_laws, fit_bnsl_and_extrapolate__4_digit_addition__dataset_size_x-axis.py
 * (arrays x, y; split_point = 14). That repository has no licence file (checked at ffa608f7): shipped as a
 * small reference dataset with attribution; see the laws README.
 */
export const bnslAddition: readonly BnslAdditionRow[] = Object.freeze([
  row(160, 2.13809046, 'fit'),
  row(192, 2.11813418, 'fit'),
  row(256, 2.08955508, 'fit'),
  row(320, 2.06988398, 'fit'),
  row(384, 2.05404987, 'fit'),
  row(448, 2.03837089, 'fit'),
  row(480, 2.02814281, 'fit'),
  row(512, 2.00496872, 'fit'),
  row(544, 1.95576149, 'fit'),
  row(576, 1.86313841, 'fit'),
  row(608, 1.70891537, 'fit'),
  row(640, 1.50637664, 'fit'),
  row(672, 1.29754721, 'fit'),
  row(736, 0.96559684, 'fit'),
  row(800, 0.75856477, 'extrapolate'),
  row(864, 0.64768338, 'extrapolate'),
  row(928, 0.55695445, 'extrapolate'),
]);
