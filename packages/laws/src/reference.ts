/** Published laws with their constants, to compare against and to predict with. */
import { dataConstrained, MUENNIGHOFF_2023 } from './constrained/form.js';
import { chinchilla, kaplanC, kaplanD, kaplanN, kaplanND, type Form } from './forms.js';
import type { XUnit, YUnit } from './units.js';

export interface ReferenceLaw {
  name: string;
  source: string;
  form: Form;
  params: Record<string, number>;
  /** Values in the form's parameter order. */
  values: Float64Array;
  yUnit: YUnit;
  /** Unit of each input, in the form's order. */
  xUnits: XUnit[];
  /** Published 95% intervals where the source gives them. */
  ci?: Record<string, [number, number]>;
  notes?: string;
}

function law(
  name: string,
  source: string,
  form: Form,
  params: Record<string, number>,
  xUnits: XUnit[],
  extra: Partial<ReferenceLaw> = {},
): ReferenceLaw {
  return {
    name,
    source,
    form,
    params,
    values: Float64Array.from(form.params.map((p) => params[p]!)),
    yUnit: 'loss_nats',
    xUnits,
    ...extra,
  };
}

export const referenceLaws = {
  /** Kaplan et al. (2020) L(N), N = non-embedding parameters. */
  kaplanN: law('Kaplan L(N)', 'Kaplan et al. 2020, eq. 1.1', kaplanN, { N_c: 8.8e13, alpha_N: 0.076 }, ['params_non_embedding']),
  kaplanD: law('Kaplan L(D)', 'Kaplan et al. 2020, eq. 1.2', kaplanD, { D_c: 5.4e13, alpha_D: 0.095 }, ['tokens']),
  kaplanC: law('Kaplan L(C_min)', 'Kaplan et al. 2020, eq. 1.3', kaplanC, { C_c: 3.1e8, alpha_C: 0.05 }, ['flops'], {
    notes: 'C in PF-days (1 PF-day = 8.64e19 FLOP)',
  }),
  kaplanND: law('Kaplan L(N, D)', 'Kaplan et al. 2020, eq. 1.5', kaplanND, { N_c: 6.4e13, D_c: 1.8e13, alpha_N: 0.076, alpha_D: 0.103 }, [
    'params_non_embedding',
    'tokens',
  ]),
  /** Hoffmann et al. (2022) approach 3 as published. */
  hoffmann: law(
    'Chinchilla (Hoffmann)',
    'Hoffmann et al. 2022, approach 3',
    chinchilla,
    { E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28 },
    ['params_total', 'tokens'],
  ),
  /** Besiroglu et al. (2024) refit of the same data. */
  besiroglu: law(
    'Chinchilla (Besiroglu refit)',
    'Besiroglu et al. 2024',
    chinchilla,
    { E: 1.817, A: 482.0, B: 2085.4, alpha: 0.348, beta: 0.366 },
    ['params_total', 'tokens'],
    {
      ci: { alpha: [0.317, 0.373], beta: [0.331, 0.415], E: [1.769, 1.871] },
    },
  ),
  /** Muennighoff et al. (2023) data-constrained law (C4, GPT-2 tokenizer); inputs N, D (tokens seen), U (unique tokens). */
  muennighoff: law(
    'Data-constrained (Muennighoff)',
    'Muennighoff et al. 2023, "Scaling Data-Constrained Language Models", eq. 5 fit',
    dataConstrained,
    { ...MUENNIGHOFF_2023 },
    ['params_total', 'tokens', 'tokens'],
    { notes: 'R_N_star, R_D_star: decay constants of excess parameters and repeated epochs; U_N = min(N, 0.051·U)' },
  ),
} as const;
