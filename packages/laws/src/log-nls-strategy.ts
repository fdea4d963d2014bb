import type { FormStrategy } from './strategies.js';

/**
 * Multi-start NLS with least squares in log space, bootstrapped by default (200 resamples) with refits started at
 * the main optimum only (the starts grid costs one fit per start for the same answer): the strategy shared by the
 * data-constrained and loss-to-loss forms, which differ only in their starts. Its own file so that strategies.ts,
 * which registers both forms, is not imported back by them.
 */
export function logSpaceNlsStrategy(starts: FormStrategy['starts']): FormStrategy {
  return {
    methods: ['nls'],
    defaultLoss: 'ls',
    defaultResamples: 200,
    warmStartOnly: true,
    planByProfile: false,
    starts,
    r2InLogSpace: () => true,
  };
}
