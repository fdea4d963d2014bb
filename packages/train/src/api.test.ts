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
    entry: '@scalewise/train',
    file: 'index.ts',
    load: () => import('./index.js'),
    runtime: [
      'DEFAULT_FAMILY_STUDY',
      'ENGINE_NAMES',
      'QUICK_FAMILY_STUDY',
      'TrainError',
      'TrainInputError',
      'checkTrainingMemory',
      'codeVersion',
      'createEngine',
      'expandSweep',
      'exportRunToOnnx',
      'fastestEngine',
      'learningRate',
      'listCheckpoints',
      'loadCheckpoint',
      'loadLatestCheckpoint',
      'loadTrainingData',
      'planFamilyStudy',
      'readMetrics',
      'readResults',
      'readRunResult',
      'resolveTrainingConfig',
      'runSweep',
      'saveCheckpoint',
      'sweepSpecSchema',
      'train',
      'trainingConfigSchema',
      'validationBatches',
    ],
    types: [
      'CheckpointState',
      'EngineName',
      'FamilyStudyOptions',
      'FamilyStudyPlan',
      'MetricsRow',
      'PlannedRun',
      'ScheduleConfig',
      'StepMetrics',
      'SweepOutcome',
      'SweepRow',
      'SweepSpecInput',
      'TokenBatch',
      'TokenRows',
      'TrainOptions',
      'TrainResult',
      'TrainingConfig',
      'TrainingConfigInput',
      'TrainingData',
      'TrainingEngine',
      'ValidationMetrics',
    ],
  },
  {
    entry: '@scalewise/train/internals',
    file: 'internals.ts',
    load: () => import('./internals.js'),
    runtime: [
      'AdamW',
      'NATIVE_ATTENTION_KINDS',
      'ReferenceModel',
      'RowSampler',
      'appendResult',
      'buildTrainingGraph',
      'clipFactor',
      'createReferenceEngine',
      'globalNorm',
      'measureReferencePeakGflops',
      'mfuFlopsPerToken',
      'rowsFromStream',
      'runTrainingJob',
      'stepsRule',
      'unigramEntropyBits',
    ],
    types: [
      'AdamWOptions',
      'EngineFactory',
      'SamplerState',
      'TokenBudget',
      'TrainingGraph',
      'TrainingGraphOptions',
      'TrainingJob',
      'TrainingJobInput',
    ],
  },
  {
    entry: '@scalewise/train/kernels',
    file: 'kernels.ts',
    load: () => import('./kernels.js'),
    runtime: ['GRAD_RULES', 'GradContext', 'NON_DIFFERENTIABLE', 'differentiate'],
    types: ['DifferentiateOptions', 'GradRule'],
  },
  {
    entry: '@scalewise/train/testing',
    file: 'testing.ts',
    load: () => import('./testing.js'),
    runtime: ['checkGradients', 'finiteDifferences', 'syntheticData', 'tinyModel', 'tinyTrainingConfig'],
    types: ['GradCheck'],
  },
];

describe('@scalewise/train API', () => {
  for (const { entry, file, load, runtime, types } of ENTRIES) {
    it(`${entry} exports exactly the listed runtime names`, async () => {
      expect(Object.keys(await load()).sort()).toEqual(runtime);
    });
    it(`${entry} exports exactly the listed type names`, () => {
      expect(typeExports(file)).toEqual(types);
    });
  }
});
