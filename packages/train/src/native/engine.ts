import * as ort from 'onnxruntime-node';
import type { ModelConfig, ModelWeights, WeightSpec } from '@scalewise/models';
import { encodeModel } from '@scalewise/models/internals';
import type { GradOptions, TokenBatch, TrainingEngine } from '../engine.js';
import { TrainError, TrainInputError } from '../errors.js';
import { machineMatMulPeak, machinePeakGflops, preferredThreads } from './peak.js';
import { buildTrainingGraph } from './training-graph.js';

export interface NativeEngineOptions {
  /**
   * ORT intra-op threads. Default: `preferredThreads` of the machine's MatMul peak (measured once per process):
   * so 1 where the vCPUs are hyperthread siblings or busy (ORT's own default, all cores, was then up to 2× slower).
   * Loss and gradients are bit-identical at 1 and 2 threads (threads.test.ts).
   */
  threads?: number;
  /** Write ORT's per-op profile (JSON) with this file prefix; see `endProfiling`. */
  profilePrefix?: string;
  /** Fused q/k/v and gate/up projections in the training graph (default: `buildTrainingGraph`'s, by model width). */
  fuseProjections?: boolean;
  /** RoPE as one com.microsoft.RotaryEmbedding node per q and k (default: `buildTrainingGraph`'s, true). */
  fusedRope?: boolean;
  /**
   * The embedding gradient's scatter-add of token rows in JS after the run (`TrainingGraphOptions.rowGradients`), not
   * in the graph. Default true: ORT's race-free ScatterElements is serial (26 ms of the bench model's ~1.1 s step).
   */
  rowGradients?: boolean;
}

interface ShapeState {
  session: ort.InferenceSession;
  ids: BigInt64Array;
  targets: BigInt64Array;
  weights: Float32Array;
  feeds: Record<string, ort.Tensor>;
  /** Preallocated gradient outputs (training session only), by output name. */
  fetches?: Record<string, ort.Tensor>;
  /** Output tensors over callers' gradient arrays (`overwrite` at scale 1), by array. */
  callerTensors: WeakMap<Float32Array, ort.Tensor>;
  /** The embedding rows the graph leaves to us (`TrainingGraph.rowGrads`): row i adds to row ids[i] of param's gradient. */
  rowGrads: Array<{ param: string; output: string; tensor: ort.Tensor; rows: Float32Array }>;
}

/**
 * Forward + backward as one ONNX graph run by onnxruntime-node. One session per (batch, seq) shape,
 * built on first use and reused; gradients land in preallocated buffers and are then added into `grads`.
 */
export class NativeEngine implements TrainingEngine {
  readonly name = 'native';
  private readonly specs: WeightSpec[];
  private readonly gradBuffers = new Map<string, Float32Array>();
  private readonly states = new Map<string, Promise<ShapeState>>();

  constructor(
    readonly config: ModelConfig,
    readonly options: NativeEngineOptions = {},
  ) {
    // Building a 1×1 forward graph validates the config and the attention kind up front.
    this.specs = buildTrainingGraph(config, { batch: 1, seq: 1, gradients: false }).params;
    for (const s of this.specs) this.gradBuffers.set(s.name, new Float32Array(s.shape.reduce((a, b) => a * b, 1)));
  }

  /** Peak GFLOP/s that MFU is measured against: the machine's best plain ORT MatMul (any shape, any thread count). */
  measurePeakGflops(): Promise<number> {
    return machinePeakGflops();
  }

  async lossAndGrad(
    weights: ModelWeights,
    grads: ModelWeights,
    batch: TokenBatch,
    scale: number,
    options: GradOptions = {},
  ): Promise<number> {
    const { state } = await this.prepare(weights, batch, true);
    for (const s of this.specs) checkTensor(grads, s, 'grads');
    const overwrite = options.overwrite === true;
    // Nothing to add or scale: onnxruntime writes the gradients into the caller's arrays themselves.
    const direct = overwrite && scale === 1;
    const fetches = direct ? this.callerFetches(state, grads) : state.fetches;
    const out = await state.session.run(state.feeds, fetches as Record<string, ort.Tensor | null>);
    const loss = scalar(out.loss, 'loss');
    for (const s of this.specs) {
      const g = grads.get(s.name) as Float32Array;
      const produced = out[`grad.${s.name}`]?.data;
      // ORT writes into the preallocated tensor; read its output object in case a build copies instead.
      const src = produced instanceof Float32Array ? produced : direct ? g : (this.gradBuffers.get(s.name) as Float32Array);
      for (const r of state.rowGrads) {
        if (r.param !== s.name) continue;
        const rows = out[r.output]?.data;
        addRows(src, rows instanceof Float32Array ? rows : r.rows, state.ids);
      }
      if (direct) {
        if (src !== g) g.set(src);
      } else if (overwrite) {
        for (let i = 0; i < g.length; i++) g[i] = scale * (src[i] as number);
      } else {
        for (let i = 0; i < g.length; i++) g[i] = (g[i] as number) + scale * (src[i] as number);
      }
    }
    return loss;
  }

  /** Output tensors over the caller's gradient arrays (made once per array and session shape). */
  private callerFetches(state: ShapeState, grads: ModelWeights): Record<string, ort.Tensor | null> {
    const fetches: Record<string, ort.Tensor | null> = { loss: null };
    for (const r of state.rowGrads) fetches[r.output] = r.tensor;
    for (const s of this.specs) {
      const g = grads.get(s.name) as Float32Array;
      let t = state.callerTensors.get(g);
      if (!t) {
        t = new ort.Tensor('float32', g, s.shape);
        state.callerTensors.set(g, t);
      }
      fetches[`grad.${s.name}`] = t;
    }
    return fetches;
  }

  async loss(weights: ModelWeights, batch: TokenBatch): Promise<{ meanNats: number; count: number }> {
    const { state, count } = await this.prepare(weights, batch, false);
    const out = await state.session.run(state.feeds, ['loss']);
    return { meanNats: scalar(out.loss, 'loss'), count };
  }

  /** Stop ORT profiling on every session (files are named `<profilePrefix>-<kind>-<B>x<T>_<timestamp>.json`). */
  async endProfiling(): Promise<void> {
    for (const p of this.states.values()) (await p).session.endProfiling();
  }

  async dispose(): Promise<void> {
    const states = [...this.states.values()];
    this.states.clear();
    for (const p of states) await (await p).session.release();
  }

  private async prepare(weights: ModelWeights, batch: TokenBatch, training: boolean): Promise<{ state: ShapeState; count: number }> {
    const { batch: B, seq: T } = batch;
    const n = B * T;
    if (batch.inputs.length !== n || batch.targets.length !== n || (batch.mask && batch.mask.length !== n)) {
      throw new TrainInputError(
        `native engine: batch arrays must have batch·seq = ${n} entries, found inputs ${batch.inputs.length}, targets ` +
          `${batch.targets.length}${batch.mask ? `, mask ${batch.mask.length}` : ''}`,
      );
    }
    const key = `${training ? 'train' : 'eval'}:${B}x${T}`;
    let pending = this.states.get(key);
    if (!pending) {
      pending = this.createState(B, T, training);
      this.states.set(key, pending);
    }
    const state = await pending;
    const V = this.config.vocabSize;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const a = batch.inputs[i] as number,
        b = batch.targets[i] as number;
      if (a < 0 || a >= V || b < 0 || b >= V)
        throw new TrainInputError(`native engine: token id at ${i} outside [0, ${V}): input ${a}, target ${b}`);
      state.ids[i] = BigInt(a);
      state.targets[i] = BigInt(b);
      if (!batch.mask || batch.mask[i]) count++;
    }
    if (count === 0) throw new TrainInputError('native engine: batch has no scored targets (mask is all zero)');
    for (let i = 0; i < n; i++) state.weights[i] = !batch.mask || batch.mask[i] ? 1 / count : 0;
    for (const s of this.specs) state.feeds[s.name] = new ort.Tensor('float32', checkTensor(weights, s, 'weights'), s.shape);
    return { state, count };
  }

  private async createState(B: number, T: number, training: boolean): Promise<ShapeState> {
    const threads = this.options.threads ?? preferredThreads(await machineMatMulPeak());
    const tg = buildTrainingGraph(this.config, {
      batch: B,
      seq: T,
      gradients: training,
      threads,
      rowGradients: training && this.options.rowGradients !== false,
      ...(this.options.fuseProjections === undefined ? {} : { fuseProjections: this.options.fuseProjections }),
      ...(this.options.fusedRope === undefined ? {} : { fusedRope: this.options.fusedRope }),
    });
    const session = await ort.InferenceSession.create(encodeModel(tg.graph), {
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      logSeverityLevel: 3,
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      ...(this.options.profilePrefix
        ? { enableProfiling: true, profileFilePrefix: `${this.options.profilePrefix}-${training ? 'train' : 'eval'}-${B}x${T}` }
        : {}),
    });
    const ids = new BigInt64Array(B * T),
      targets = new BigInt64Array(B * T),
      weights = new Float32Array(B * T);
    const feeds: Record<string, ort.Tensor> = {
      [tg.inputIds]: new ort.Tensor('int64', ids, [B, T]),
      [tg.targets]: new ort.Tensor('int64', targets, [B, T]),
      [tg.targetWeights]: new ort.Tensor('float32', weights, [B, T]),
    };
    const rowGrads = tg.rowGrads.map(({ param, output, shape }) => {
      const rows = new Float32Array(shape.reduce((a, b) => a * b, 1));
      return { param, output, rows, tensor: new ort.Tensor('float32', rows, shape) };
    });
    const state: ShapeState = { session, ids, targets, weights, feeds, callerTensors: new WeakMap(), rowGrads };
    if (training) {
      const fetches: Record<string, ort.Tensor | null> = { [tg.loss]: null };
      for (const r of rowGrads) fetches[r.output] = r.tensor;
      tg.params.forEach(
        (p, i) => (fetches[tg.grads[i] as string] = new ort.Tensor('float32', this.gradBuffers.get(p.name) as Float32Array, p.shape)),
      );
      state.fetches = fetches as Record<string, ort.Tensor>;
    }
    return state;
  }
}

/** grad[ids[i]] += rows[i], row by row in token order: deterministic whatever the thread count. */
function addRows(grad: Float32Array, rows: Float32Array, ids: BigInt64Array): void {
  const width = rows.length / ids.length;
  for (let i = 0; i < ids.length; i++) {
    const to = Number(ids[i]) * width;
    const from = i * width;
    for (let c = 0; c < width; c++) grad[to + c] = (grad[to + c] as number) + (rows[from + c] as number);
  }
}

function checkTensor(map: ModelWeights, spec: WeightSpec, what: string): Float32Array {
  const t = map.get(spec.name);
  const n = spec.shape.reduce((a, b) => a * b, 1);
  if (!t) throw new TrainInputError(`native engine: ${what} has no tensor '${spec.name}'`);
  if (t.length !== n)
    throw new TrainInputError(
      `native engine: ${what} tensor '${spec.name}' needs ${n} values [${spec.shape.join(', ')}], found ${t.length}`,
    );
  return t;
}

function scalar(t: ort.Tensor | undefined, name: string): number {
  const v = Number((t?.data as Float32Array | undefined)?.[0]);
  if (!Number.isFinite(v)) throw new TrainError(`native engine: ${name} is ${v} (non-finite); check the learning rate and the weights`);
  return v;
}
