import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isCheckpointFolder } from '@scalewise/models';
import { UsageError } from '../kit.js';

/**
 * eval and bench run ONNX folders: a downloaded checkpoint folder (pytorch_model.bin, safetensors) given to --model
 * is refused with the command that converts it, instead of "no ONNX graph".
 */
export function refuseCheckpointFolder(flag: string, dir: string): void {
  if (isCheckpointFolder(dir) && !['onnx/model.onnx', 'model.onnx'].some((f) => existsSync(join(dir, f)))) {
    throw new UsageError(
      `${flag} ${dir} is a checkpoint folder (weights, no ONNX graph): convert it with ` +
        `'scalewise model export ${dir} --out DIR' and pass DIR (study --models measures checkpoint folders directly)`,
    );
  }
}
