import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { resolve } from 'node:path';
import {
  configFromModelFolder,
  initWeights,
  loadWeights,
  parseConfigJson,
  resolveConfig,
  weightSpecs,
  writeModelFolder,
  ModelsInputError,
  type ModelConfig,
} from '@scalewise/models';
import { BYTE_VOCAB_SIZE, byteTokenizerFiles } from '@scalewise/data';
import { EXIT_OK, UsageError, parseFlags, printJson, printable, type CliIO, type Command } from '../kit.js';
import { checkOutputDir, intFlag } from './flag-checks.js';

const HELP = `Usage: scalewise model export PRESET|config.json --out DIR (--random [--seed S] | --weights FILE.safetensors) [options]

Write a model folder that onnxruntime-node and @huggingface/transformers (offline) load:
  DIR/config.json, generation_config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx
The ONNX graph is fp32 with a KV cache (inputs input_ids, attention_mask, position_ids,
past_key_values.{i}.key|value; outputs logits, present.{i}.key|value). Layer-shared (LS) models get one
cache slot per block application, and config.json says num_hidden_layers = layers x repeat.

Options:
  --out DIR            folder to write (created; a folder with other files is refused, one written by
                       model export before is updated; files replaced atomically)
  --random             seeded random weights (init scheme of @scalewise/models), for throughput/memory runs
  --seed S             seed for --random (default 1)
  --weights FILE       weights from a .safetensors file with Hugging Face llama names (F32/F16/BF16)
  --external-data M    auto (default: past 1.8 GB of weights) | yes | no: weights in onnx/model.onnx_data
  --tokenizer T        byte (default: the built-in byte-level tokenizer, ids 0-${BYTE_VOCAB_SIZE - 1}) | none
  --json               print one JSON object: files and sizes (bytes), timings (seconds)

Examples:
  scalewise model export mobilellm-125m --random --seed 1 --out ./out/mobilellm-125m
  scalewise model export ./config.json --weights ./model.safetensors --out ./out/my-model --json
`;

/** A folder this command wrote before: its config.json carries scalewise's export keys. */
function isModelFolder(_entries: string[], dir: string): boolean {
  try {
    const json = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    return typeof json.scalewise_name === 'string' && 'transformers.js_config' in json;
  } catch {
    return false;
  }
}

function readConfig(spec: string, cwd: string): ModelConfig {
  const path = resolve(cwd, spec);
  if (!spec.endsWith('.json') || !existsSync(path)) return resolveConfig(spec, cwd);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ModelsInputError(`${spec}: not readable JSON (${(error as Error).message})`, { cause: error });
  }
  // An exported folder's config.json is unrolled for transformers.js; restore the shared-layer structure.
  const restored = typeof json === 'object' && json !== null && !Array.isArray(json) ? configFromModelFolder(json as Record<string, unknown>) : json;
  return parseConfigJson(restored, spec);
}

const command: Command = {
  summary: 'Write an ONNX model folder (onnxruntime-node / transformers.js) from a preset or config.json',
  help: HELP,
  run: async (argv: string[], io: CliIO) => {
    const args = argv[0] === 'export' ? argv.slice(1) : argv;
    const { values, positionals } = parseFlags(args, {
      out: { type: 'string' },
      random: { type: 'boolean' },
      seed: { type: 'string' },
      weights: { type: 'string' },
      'external-data': { type: 'string' },
      tokenizer: { type: 'string' },
    });
    if (values.help) {
      io.stdout(HELP);
      return EXIT_OK;
    }
    if (positionals.length !== 1) throw new UsageError(`model export expects one PRESET or config.json, found ${positionals.length} (${positionals.join(' ') || 'none'}); see --help`);
    if (!values.out) throw new UsageError('model export needs --out DIR');
    if (Boolean(values.random) === Boolean(values.weights)) throw new UsageError('model export needs exactly one of --random or --weights FILE.safetensors');
    const seed = intFlag('seed', values.seed, { min: 0, max: 2 ** 32 - 1 }, 1);
    if (values.weights && values.seed !== undefined) throw new UsageError('--seed applies to --random weights, not --weights FILE');
    const externalFlag = values['external-data'] ?? 'auto';
    if (!['auto', 'yes', 'no'].includes(externalFlag)) throw new UsageError(`--external-data expects auto, yes or no, found '${externalFlag}'`);
    const tokenizerFlag = values.tokenizer ?? 'byte';
    if (!['byte', 'none'].includes(tokenizerFlag)) throw new UsageError(`--tokenizer expects byte or none, found '${tokenizerFlag}'`);

    // Where the folder goes and where the weights come from, checked before any weights are made or read.
    const out = resolve(io.cwd, values.out);
    checkOutputDir('--out', out, isModelFolder);
    const weightsPath = values.weights ? resolve(io.cwd, values.weights) : undefined;
    if (weightsPath) {
      const kind = statSync(weightsPath, { throwIfNoEntry: false });
      if (!kind) throw new UsageError(`--weights ${printable(weightsPath)} does not exist`);
      if (!kind.isFile()) throw new UsageError(`--weights ${printable(weightsPath)} is not a file; expected a .safetensors file`);
    }
    const config = readConfig(positionals[0] as string, io.cwd);
    const tokenizer = tokenizerFlag === 'byte' ? byteTokenizerFiles() : undefined;
    if (tokenizer && config.vocabSize < BYTE_VOCAB_SIZE) {
      throw new UsageError(`--tokenizer byte needs vocabSize >= ${BYTE_VOCAB_SIZE} (the byte tokenizer's ids), model '${config.name}' has ${config.vocabSize}; use --tokenizer none`);
    }
    const t0 = performance.now();
    const weights = weightsPath ? loadWeights(weightsPath, config).weights : initWeights(config, seed);
    const weightsSeconds = (performance.now() - t0) / 1000;
    const result = await writeModelFolder(out, {
      config, weights, tokenizer,
      externalData: externalFlag === 'auto' ? 'auto' : externalFlag === 'yes',
    });
    const totalBytes = result.files.reduce((s, f) => s + f.bytes, 0);
    const summary = {
      out,
      model: config.name,
      weights: weightsPath ?? `random (seed ${seed})`,
      params: weightSpecs(config).reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0),
      external_data: result.externalData,
      files: result.files,
      total_bytes: totalBytes,
      seconds: { weights: weightsSeconds, encode: result.encodeSeconds, write: result.writeSeconds },
    };
    if (values.json) {
      printJson(io, summary);
    } else {
      const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
      io.stdout(`wrote ${printable(out)} (${printable(config.name)}, ${summary.params.toLocaleString('en-US')} params, ${summary.weights})\n`);
      for (const f of result.files) io.stdout(`  ${f.path.padEnd(24)} ${mb(f.bytes)}\n`);
      io.stdout(`  total ${mb(totalBytes)}; weights ${weightsSeconds.toFixed(1)} s, build+encode ${result.encodeSeconds.toFixed(1)} s, write ${result.writeSeconds.toFixed(1)} s\n`);
    }
    return EXIT_OK;
  },
};

export default command;
