// '@scalewise/train/testing': fixtures for tests of code built on @scalewise/train (tiny models, synthetic token
// streams, finite-difference gradient checks). Not for training real models; no stability promise.
export { syntheticData, tinyModel, tinyTrainingConfig } from './test-utils.js';
export { checkGradients, finiteDifferences, type GradCheck } from './native/testing.js';
