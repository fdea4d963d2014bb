// Pins the public surface: adding, removing or renaming an export fails here until the list is edited on purpose.
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/** Type-only names an entry file exports (not visible at runtime), read from its explicit export lists. */
function typeExports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(new URL(file, import.meta.url), 'utf8'), ts.ScriptTarget.Latest);
  const names: string[] = [];
  for (const statement of source.statements) {
    if (!ts.isExportDeclaration(statement)) continue;
    // `export *` would hide names from this list: entry files list every name.
    if (!statement.exportClause || !ts.isNamedExports(statement.exportClause)) throw new Error(`${file}: use named exports`);
    for (const element of statement.exportClause.elements) {
      if (statement.isTypeOnly || element.isTypeOnly) names.push(element.name.text);
    }
  }
  return names.sort();
}

const ENTRIES: Array<{ entry: string; file: string; load: () => Promise<object>; runtime: string[]; types: string[] }> = [
  {
    entry: '@scalewise/models',
    file: 'index.ts',
    load: () => import('./index.js'),
    runtime: [
      'FAMILY_NAMES',
      'LLAMA_DEFAULTS',
      'MEMORY_DTYPES',
      'ModelsError',
      'ModelsInputError',
      'configFromModelFolder',
      'createDecoder',
      'familyLadder',
      'flopsPerToken',
      'forward',
      'fromHfConfig',
      'generateLadder',
      'getPreset',
      'initWeights',
      'isCheckpointFolder',
      'kvCacheBytes',
      'loadCheckpoint',
      'loadSafetensors',
      'loadWeights',
      'paramCounts',
      'parseConfigJson',
      'presetNames',
      'resolveConfig',
      'saveSafetensors',
      'saveWeights',
      'toHfConfig',
      'trainingMemory',
      'validateConfig',
      'weightBytes',
      'weightSpecs',
      'writeModelFolder',
    ],
    types: [
      'AttentionConfig',
      'Checkpoint',
      'Decoder',
      'FamilyName',
      'FamilyRung',
      'FlopsByFamily',
      'FlopsPerToken',
      'HfLlamaConfig',
      'InitOptions',
      'LadderOptions',
      'LadderRung',
      'MemoryDType',
      'ModelConfig',
      'ModelFolderOptions',
      'ModelFolderResult',
      'ModelWeights',
      'ParamCounts',
      'TrainingMemory',
      'WeightSpec',
    ],
  },
  {
    entry: '@scalewise/models/internals',
    file: 'internals.ts',
    load: () => import('./internals.js'),
    runtime: [
      'CHECKPOINT_WEIGHT_FILES',
      'DTYPE_BYTES',
      'EXTERNAL_DATA_FILE',
      'EXTERNAL_DATA_THRESHOLD_BYTES',
      'FAMILIES',
      'Graph',
      'INFERENCE_DIMS',
      'IR_VERSION',
      'SUPPORTED_MODEL_TYPES',
      'attr',
      'buildInferenceGraph',
      'cacheSlots',
      'cachedPositions',
      'checkGraph',
      'checkTokens',
      'checkWeights',
      'checkpointWeightName',
      'decodeSafetensors',
      'elementCount',
      'emitDecoder',
      'encodeModel',
      'encodeSafetensors',
      'externalDataSink',
      'keyCount',
      'keySpan',
      'loadCheckpointConfig',
      'loadTorchBin',
      'meanKeyCount',
      'modelFolderConfig',
      'resolveWeights',
      'tensor',
      'totalKeyCount',
      'writeFileAtomic',
    ],
    types: [
      'Attr',
      'BlockWeights',
      'CheckpointTensor',
      'CheckpointWeightFile',
      'DType',
      'DecoderDType',
      'DecoderKvCache',
      'DecoderOptions',
      'DecoderOutputs',
      'Dim',
      'EncodeOptions',
      'ExternalDataSink',
      'FamilyLadderOptions',
      'FamilySpec',
      'InferenceGraphOptions',
      'LadderPolicy',
      'NodeDef',
      'OpOptions',
      'ResolvedWeights',
      'SafetensorsDType',
      'SafetensorsFile',
      'Tensor',
      'TensorData',
      'TensorToWrite',
      'ValueInfo',
    ],
  },
  {
    entry: '@scalewise/models/kernels',
    file: 'kernels.ts',
    load: () => import('./kernels.js'),
    runtime: [
      'LINEAR_ATTENTION_EPS',
      'LinearAttentionState',
      'addInPlace',
      'applyRope',
      'attentionScratch',
      'eluPlusOne',
      'embed',
      'linearAttention',
      'linearAttentionParallel',
      'matmulT',
      'rmsNorm',
      'ropeTables',
      'silu',
      'softmaxAttention',
      'softmaxAttentionRow',
      'softmaxRows',
      'swiglu',
    ],
    types: ['AttentionScratch', 'AttentionShape', 'RopeTables'],
  },
];

describe('@scalewise/models API', () => {
  for (const { entry, file, load, runtime, types } of ENTRIES) {
    it(`${entry} exports exactly the listed runtime names`, async () => {
      expect(Object.keys(await load()).sort()).toEqual(runtime);
    });
    it(`${entry} exports exactly the listed type names`, () => {
      expect(typeExports(file)).toEqual(types);
    });
  }
});
