import { join } from 'node:path';
import { writeFileAtomic } from '@scalewise/core/node';
import type { Tokenizer } from './types.js';

/** Write `tokenizer.json` and `tokenizer_config.json` of a tokenizer into `dir` (atomic writes). */
export async function saveTokenizer(tokenizer: Tokenizer, dir: string): Promise<void> {
  const { tokenizerJson, tokenizerConfig } = tokenizer.huggingFaceFiles();
  await writeFileAtomic(join(dir, 'tokenizer.json'), `${JSON.stringify(tokenizerJson, null, 2)}\n`);
  await writeFileAtomic(join(dir, 'tokenizer_config.json'), `${JSON.stringify(tokenizerConfig, null, 2)}\n`);
}
