import { describe, expect, it } from 'vitest';
import { LawsInputError } from './errors.js';
import { bnslAddition, chinchillaFitData, datasets, mobilellm } from './datasets.js';

describe('built-in datasets', () => {
  it('chinchilla: all 245 runs of svg_extracted_data.csv, first and last rows digit for digit', () => {
    const { N, C, loss } = datasets.chinchilla;
    expect([N.length, C.length, loss.length]).toEqual([245, 245, 245]);
    expect([N[0], C[0], loss[0]]).toEqual([6795600349.289497, 9.993852799709755e18, 5.005581996196243]);
    for (const v of [...N, ...C, ...loss]) expect(Number.isFinite(v) && v > 0).toBe(true);
    expect(Object.isFrozen(N)).toBe(true);
  });

  it('chinchillaFitData drops the highest-loss rows and derives D = C/(6N)', () => {
    const { N, C, loss } = datasets.chinchilla;
    const all = chinchillaFitData(0);
    expect(all.y.length).toBe(245);
    expect(all.D[7]).toBeCloseTo(C[7]! / (6 * N[7]!), 6);
    const fit = chinchillaFitData();
    expect(fit.y.length).toBe(240);
    const fifthHighest = [...loss].sort((a, b) => b - a)[4]!;
    expect(Math.max(...fit.y)).toBeLessThan(fifthHighest);
    expect(() => chinchillaFitData(-1)).toThrow(LawsInputError);
    expect(() => chinchillaFitData(245)).toThrow(/dropHighestLoss must be an integer in \[0, 244\]/);
  });

  it('bnslAddition: 17 points, the 14 smallest sizes to fit and 3 to extrapolate, loss falling', () => {
    expect(bnslAddition.length).toBe(17);
    expect(bnslAddition.filter((r) => r.split === 'fit').map((r) => r.dataset_size)).toEqual([
      160, 192, 256, 320, 384, 448, 480, 512, 544, 576, 608, 640, 672, 736,
    ]);
    expect(bnslAddition.filter((r) => r.split === 'extrapolate').map((r) => r.dataset_size)).toEqual([800, 864, 928]);
    for (let i = 1; i < bnslAddition.length; i++) expect(bnslAddition[i]!.loss).toBeLessThan(bnslAddition[i - 1]!.loss);
    expect(datasets.bnslAddition).toBe(bnslAddition);
  });

  it('mobilellm: the original study, 4 models with their measurement conditions', () => {
    expect(datasets.mobilellm).toBe(mobilellm);
    expect(mobilellm.map((r) => r.model_name)).toEqual(['MobileLLM-125M', 'MobileLLM-350M', 'MobileLLM-600M', 'MobileLLM-1B']);
    expect(datasets.mobilellmConditions).toMatchObject({ device: 'NVIDIA T4 GPU', dtype: 'fp16' });
  });
});

describe('datasets.obsScaling (Ruan et al. 2024, ryoungj/ObsScaling at 4d6e1e43)', () => {
  const t = datasets.obsScaling;
  it('has the 148 rows and 13 columns of base_llm_benchmark_eval.csv, cells as in the file', () => {
    expect(t.header).toHaveLength(13);
    expect(t.model).toHaveLength(148);
    for (const name of t.header.slice(2)) expect(t.columns[name]).toHaveLength(148);
    expect(t.model[0]).toBe('meta-llama/Llama-2-7b-hf');
    expect(t.family[0]).toBe('Llama-2');
    expect(t.columns['MMLU']![0]).toBe(0.4379609636092418);
    expect(t.columns['FLOPs (1E21)']![2]).toBe(840);
    // Empty cells of the file: 25 FLOPs, 3 ARC-C, 16 XWinograd, 21 HumanEval.
    const missing = (name: string) => t.columns[name]!.filter(Number.isNaN).length;
    expect([missing('FLOPs (1E21)'), missing('ARC-C'), missing('XWinograd'), missing('HumanEval'), missing('GSM8K')]).toEqual([
      25, 3, 16, 21, 0,
    ]);
    expect(Object.isFrozen(t.columns['MMLU'])).toBe(true);
  });
});
