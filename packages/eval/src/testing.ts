// '@scalewise/eval/testing': tiny ONNX language models with known answers (bigram and uniform) for tests of
// evaluation code. Not for measuring real models; no stability promise.
export { bigramOnnx, randomTable, uniformOnnx, writeBigramFolder, type BigramOptions } from './testing/models.js';
