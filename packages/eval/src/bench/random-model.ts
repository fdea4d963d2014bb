import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDirectory } from '@scalewise/data';
import { getPreset, initWeights, writeModelFolder } from '@scalewise/models';
import { EvalInputError } from '../errors.js';
import { writeInt8ModelFolder } from '../quantize/int8.js';

/**
 * Bumped when the exported graph changes (2: fused onnxruntime kernels, MatMulNBits int8), so a cached export of an
 * older graph is not measured as if it were the current one.
 */
export const RANDOM_EXPORT_REVISION = 2;

/**
 * A random-weight export of a preset (real shapes, seeded weights), written once to
 * `<cache>/models/<preset>-random-s<seed>[-int8]-g<revision>` and reused: what `scalewise bench --preset NAME --random` measures.
 */
export async function randomPresetFolder(
  preset: string,
  options: { seed?: number; cacheDir?: string; dtype?: 'fp32' | 'int8' } = {},
): Promise<{ dir: string; reused: boolean }> {
  const config = getPreset(preset);
  const seed = options.seed ?? 0;
  const dtype = options.dtype ?? 'fp32';
  if (dtype !== 'fp32' && dtype !== 'int8') throw new EvalInputError(`dtype must be fp32 or int8, found '${String(dtype)}'`);
  const dir = join(
    options.cacheDir ?? cacheDirectory(),
    'models',
    `${config.name}-random-s${seed}${dtype === 'int8' ? '-int8' : ''}-g${RANDOM_EXPORT_REVISION}`,
  );
  // config.json is written last, so its presence marks a complete folder.
  if (existsSync(join(dir, 'config.json'))) return { dir, reused: true };
  const weights = initWeights(config, seed);
  if (dtype === 'int8') await writeInt8ModelFolder(dir, { config, weights });
  else await writeModelFolder(dir, { config, weights });
  return { dir, reused: false };
}
