/**
 * The explorer's fitting worker (bundled with laws into the page and started from a Blob URL): holds the loaded
 * table and answers load / fit / compare messages, so long fits never block the page.
 */
import { FORMS, getForm } from '@scalewise/laws';
import { runComparison } from './compare-view.js';
import { DOWNSTREAM_INFO, runDownstreamBands, runDownstreamFit, type DownstreamContext } from './downstream-view.js';
import { runBands, runFit, type FitContext } from './fit-view.js';
import type { FormInfo, FromWorker, ToWorker } from './protocol.js';
import { readExplorerTable, type ExplorerTable } from './table.js';

interface WorkerScope {
  postMessage(message: FromWorker): void;
  onmessage: ((event: { data: ToWorker }) => void) | null;
}

/** Every built-in form with what the page needs to offer it, then the two-step downstream mode. */
export function formInfos(): FormInfo[] {
  const downstream: FormInfo = {
    ...DOWNSTREAM_INFO,
    inputs: [...DOWNSTREAM_INFO.inputs],
    params: [...DOWNSTREAM_INFO.params],
    methods: ['nls'],
    defaultLoss: 'ls',
  };
  return [...builtInInfos(), downstream];
}

function builtInInfos(): FormInfo[] {
  return Object.entries(FORMS).map(([name, strategy]) => {
    const form = getForm(name);
    return {
      name,
      formula: form.formula,
      inputs: [...form.inputs],
      params: [...form.params],
      methods: [...strategy.methods],
      defaultLoss: strategy.defaultLoss,
    };
  });
}

export interface WorkerState {
  table: ExplorerTable | null;
  /** The last fit, for its bands step. */
  last?: FitContext | DownstreamContext;
}

/** Answer one message; errors become `error` replies carrying the message (laws' messages name file, row, column). */
export function handle(message: ToWorker, state: WorkerState): FromWorker {
  try {
    if (message.kind === 'load') {
      const table = readExplorerTable(message.text, message.name);
      state.table = table;
      delete state.last;
      return {
        kind: 'loaded',
        id: message.id,
        table: { name: table.name, rows: table.rows, columns: table.columns, numeric: Object.keys(table.numeric) },
      };
    }
    if (!state.table) throw new Error('load a table first');
    if (message.kind === 'fit') {
      delete state.last;
      const now = () => performance.now();
      const { view, context } =
        message.request.form === 'downstream'
          ? runDownstreamFit(state.table, message.request, now)
          : runFit(state.table, message.request, now);
      state.last = context;
      return { kind: 'fitted', id: message.id, view };
    }
    if (message.kind === 'bands') {
      if (!state.last) throw new Error('no fit to draw bands for');
      const view = 'runs' in state.last ? runDownstreamBands(state.last) : runBands(state.last);
      return { kind: 'banded', id: message.id, view };
    }
    if (message.request.form === 'downstream')
      throw new Error('no comparison in the downstream mode: compare task-loss forms by fitting the task-loss column as y');
    return { kind: 'compared', id: message.id, view: runComparison(state.table, message.request) };
  } catch (error) {
    return { kind: 'error', id: message.id, message: (error as Error).message };
  }
}

/** Wire `handle` to a worker scope (called by the bundle's entry, never in Node). */
export function startWorker(scope: WorkerScope): void {
  const state: WorkerState = { table: null };
  scope.onmessage = (event) => scope.postMessage(handle(event.data, state));
  scope.postMessage({ kind: 'ready', forms: formInfos() });
}
