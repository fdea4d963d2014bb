import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  configFromModelFolder,
  initWeights,
  isCheckpointFolder,
  loadCheckpoint,
  loadWeights,
  parseConfigJson,
  resolveConfig,
  weightSpecs,
  writeModelFolder,
  ModelsInputError,
  type ModelConfig,
} from '@scalewise/models';
import { BYTE_VOCAB_SIZE, byteTokenizerFiles, loadTokenizer } from '@scalewise/data';
import { EXIT_OK, UsageError, parseFlags, printJson, printable, type CliIO, type Command, intFlag } from '../kit.js';
import { checkOutputDir } from './flag-checks.js';

const HELP = `Usage: scalewise model export PRESET|config.json --out DIR (--random [--seed S] | --weights FILE.safetensors) [options]
       scalewise model export CHECKPOINT_DIR --out DIR [options]

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
                       (yes by default for a checkpoint folder: one copy of the weights in memory, not two)
  --tokenizer T        byte (default: the built-in byte-level tokenizer, ids 0-${BYTE_VOCAB_SIZE - 1}) | none
                       (a checkpoint folder's own tokenizer.model / tokenizer.json is the default for it)

A CHECKPOINT_DIR is a downloaded Hugging Face / MobileLLM folder: config.json (model_type llama or mobilellm)
with pytorch_model.bin, model.safetensors or their sharded *.index.json (F32/F16/BF16; read safely, nothing in
the pickle is executed), and tokenizer.model (SentencePiece) or tokenizer.json. Nothing is downloaded.
  --json               print one JSON object: files and sizes (bytes), timings (seconds)

Examples:
  scalewise model export mobilellm-125m --random --seed 1 --out ./out/mobilellm-125m
  scalewise model export ./config.json --weights ./model.safetensors --out ./out/my-model --json
  scalewise model export ./MobileLLM-125M --out ./out/mobilellm-125m
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
  const restored =
    typeof json === 'object' && json !== null && !Array.isArray(json) ? configFromModelFolder(json as Record<string, unknown>) : json;
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
    if (positionals.length !== 1)
      throw new UsageError(
        `model export expects one PRESET or config.json, found ${positionals.length} (${positionals.join(' ') || 'none'}); see --help`,
      );
    if (!values.out) throw new UsageError('model export needs --out DIR');
    const checkpointDir = resolve(io.cwd, positionals[0] as string);
    const isCheckpoint = isCheckpointFolder(checkpointDir);
    if (isCheckpoint && (values.random || values.weights))
      throw new UsageError(`${positionals[0] as string} is a checkpoint folder with its own weights; drop --random / --weights`);
    if (!isCheckpoint && Boolean(values.random) === Boolean(values.weights))
      throw new UsageError('model export needs exactly one of --random or --weights FILE.safetensors (or a checkpoint folder)');
    const seed = intFlag('seed', values.seed, { min: 0, max: 2 ** 32 - 1 }, 1);
    if (values.weights && values.seed !== undefined) throw new UsageError('--seed applies to --random weights, not --weights FILE');
    // A checkpoint's weights go to onnx/model.onnx_data by default: streamed from the loaded tensors, so the export
    // holds one copy of the weights (a single model.onnx is encoded whole in memory: a second copy).
    const externalFlag = values['external-data'] ?? (isCheckpoint ? 'yes' : 'auto');
    if (!['auto', 'yes', 'no'].includes(externalFlag))
      throw new UsageError(`--external-data expects auto, yes or no, found '${externalFlag}'`);
    const tokenizerFlag = values.tokenizer ?? (isCheckpoint ? 'folder' : 'byte');
    if (!['byte', 'none', ...(isCheckpoint ? ['folder'] : [])].includes(tokenizerFlag))
      throw new UsageError(`--tokenizer expects byte or none, found '${tokenizerFlag}'`);

    // Where the folder goes and where the weights come from, checked before any weights are made or read.
    const out = resolve(io.cwd, values.out);
    checkOutputDir('--out', out, isModelFolder);
    const weightsPath = values.weights ? resolve(io.cwd, values.weights) : undefined;
    if (weightsPath) {
      const kind = statSync(weightsPath, { throwIfNoEntry: false });
      if (!kind) throw new UsageError(`--weights ${weightsPath} does not exist`);
      if (!kind.isFile()) throw new UsageError(`--weights ${weightsPath} is not a file; expected a .safetensors file`);
    }
    const t0 = performance.now();
    const checkpoint = isCheckpoint ? loadCheckpoint(checkpointDir) : undefined;
    const config = checkpoint?.config ?? readConfig(positionals[0] as string, io.cwd);
    const folderTokenizer =
      tokenizerFlag === 'folder' && ['tokenizer.model', 'tokenizer.json'].some((f) => existsSync(resolve(checkpointDir, f)));
    if (tokenizerFlag === 'folder' && !folderTokenizer)
      io.stderr(`warning: ${printable(checkpointDir)} has no tokenizer.model or tokenizer.json; the export has no tokenizer\n`);
    const tokenizer =
      tokenizerFlag === 'byte'
        ? byteTokenizerFiles()
        : folderTokenizer
          ? (await loadTokenizer(checkpointDir)).huggingFaceFiles()
          : undefined;
    if (tokenizerFlag === 'byte' && config.vocabSize < BYTE_VOCAB_SIZE) {
      throw new UsageError(
        `--tokenizer byte needs vocabSize >= ${BYTE_VOCAB_SIZE} (the byte tokenizer's ids), model '${config.name}' has ` +
          `${config.vocabSize}; use --tokenizer none`,
      );
    }
    const weights = checkpoint?.weights ?? (weightsPath ? loadWeights(weightsPath, config).weights : initWeights(config, seed));
    const weightsSeconds = (performance.now() - t0) / 1000;
    const result = await writeModelFolder(out, {
      config,
      weights,
      tokenizer,
      externalData: externalFlag === 'auto' ? 'auto' : externalFlag === 'yes',
    });
    const totalBytes = result.files.reduce((s, f) => s + f.bytes, 0);
    const summary = {
      out,
      model: config.name,
      weights: checkpoint
        ? `${checkpoint.dir} (${checkpoint.files.join(', ')}; stored ${checkpoint.storedDtypes.join('/')})`
        : (weightsPath ?? `random (seed ${seed})`),
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
      io.stdout(`wrote ${out} (${config.name}, ${summary.params.toLocaleString('en-US')} params, ${summary.weights})\n`);
      for (const f of result.files) io.stdout(`  ${f.path.padEnd(24)} ${mb(f.bytes)}\n`);
      io.stdout(
        `  total ${mb(totalBytes)}; weights ${weightsSeconds.toFixed(1)} s, build+encode ${result.encodeSeconds.toFixed(1)} s, write ` +
          `${result.writeSeconds.toFixed(1)} s\n`,
      );
    }
    return EXIT_OK;
  },
};

export default command;
