/// <reference lib="dom" />
/**
 * Entry of the explorer page's script. The fitting worker's code is embedded in the page as text and started from a
 * Blob URL, so the page works from file:// with no request at all.
 */
import type { FitRequest, FitView, FromWorker, ToWorker } from '../protocol.js';
import { Controls } from './controls.js';
import { byId, el, fill } from './dom.js';
import { draw, fitFigure, frontierFigure, residualFigure } from './figures.js';
import { showComparison, showFit, showFrontier, showPredictions } from './results.js';

const controls = new Controls();
const workerUrl = URL.createObjectURL(new Blob([byId('worker-source').textContent ?? ''], { type: 'text/javascript' }));
let worker = startWorker();
let started = false;
/** Replies still owed by the worker (a new fit while some are owed restarts it rather than waiting behind them). */
const owed = new Set<number>();
/** The table the worker holds, to hand it to a restarted worker. */
let loadedTable: { name: string; text: string } | null = null;
let pendingTable: { name: string; text: string } | null = null;
let nextId = 1;
let fitId = 0;
let compareId = 0;
let bandsId = 0;
let shown: FitView | null = null;
let loadId = 0;
let fitStarted = 0;

function status(id: string, text: string, kind: 'busy' | 'ok' | 'error'): void {
  const target = byId(id);
  target.textContent = text;
  target.className = `status ${kind}`;
  target.setAttribute('data-state', kind);
}

function send(message: ToWorker): void {
  owed.add(message.id);
  worker.postMessage(message);
}

function startWorker(): Worker {
  const w = new Worker(workerUrl);
  w.onmessage = (event: MessageEvent<FromWorker>) => {
    if (w !== worker) return;
    if (event.data.kind !== 'ready') owed.delete(event.data.id);
    onMessage(event.data).catch((error: Error) => status('fit-status', `could not draw the result: ${error.message}`, 'error'));
  };
  w.onerror = (event) => status('fit-status', `the fitting worker failed: ${event.message}`, 'error');
  return w;
}

/** Stop a worker still busy with an older fit's bands or comparison, and give a new one the same table. */
function restartIfBusy(): void {
  if (owed.size === 0 || !loadedTable) return;
  worker.terminate();
  owed.clear();
  worker = startWorker();
  // Messages wait in the new worker's queue until it starts; the reply to this load is the table already shown.
  send({ kind: 'load', id: nextId++, ...loadedTable });
}

function load(name: string, text: string): void {
  loadId = nextId++;
  loadedTable = null;
  status('data-status', `Reading ${name}…`, 'busy');
  pendingTable = { name, text };
  send({ kind: 'load', id: loadId, name, text });
}

function fit(): void {
  if (!controls.table) {
    status('fit-status', 'Load a table first.', 'error');
    return;
  }
  const request: FitRequest = controls.request();
  restartIfBusy();
  fitId = nextId++;
  bandsId = nextId++;
  compareId = nextId++;
  fitStarted = performance.now();
  status('fit-status', 'Fitting…', 'busy');
  fill(byId('comparison'), 'Waiting for the fit…');
  send({ kind: 'fit', id: fitId, request });
  send({ kind: 'bands', id: bandsId });
  send({ kind: 'compare', id: compareId, request });
}

async function onMessage(message: FromWorker): Promise<void> {
  if (message.kind === 'ready') {
    if (started) return;
    started = true;
    controls.setForms(message.forms);
    const initial = byId('initial-data').textContent ?? 'null';
    const data = JSON.parse(initial) as { name: string; text: string } | null;
    if (data) load(data.name, data.text);
    byId('fit-button').removeAttribute('disabled');
    return;
  }
  if (message.id === loadId) {
    if (message.kind === 'loaded') {
      loadedTable = pendingTable;
      const t = message.table;
      status('data-status', `${t.name}: ${t.rows} rows; numeric columns: ${t.numeric.join(', ')}`, 'ok');
      controls.setTable(t);
    } else if (message.kind === 'error') status('data-status', message.message, 'error');
  } else if (message.id === fitId) {
    if (message.kind === 'fitted') {
      const wall = performance.now() - fitStarted;
      byId('results').hidden = false;
      shown = message.view;
      status('band-status', 'Computing prediction intervals…', 'busy');
      showFit(message.view);
      await Promise.all([
        draw(byId('figure-fit'), fitFigure(message.view)),
        draw(byId('figure-residuals'), residualFigure(message.view)),
        draw(byId('figure-frontier'), frontierFigure(message.view)),
      ]);
      status('fit-status', `Done: ${message.view.form} on ${message.view.n} rows in ${Math.round(wall)} ms.`, 'ok');
      byId('fit-status').setAttribute('data-wall-ms', String(wall));
      byId('fit-status').setAttribute('data-started-at', String(fitStarted));
      // When the results have been laid out and painted (two frames later): the page's own work for this fit is done.
      const shownFit = fitId;
      requestAnimationFrame(() =>
        requestAnimationFrame(() => {
          if (shownFit === fitId) byId('fit-status').setAttribute('data-painted-ms', String(performance.now() - fitStarted));
        }),
      );
    } else if (message.kind === 'error') {
      status('fit-status', message.message, 'error');
      compareId = 0;
      bandsId = 0;
      fill(byId('comparison'), '');
    }
  } else if (message.id === bandsId && shown) {
    if (message.kind === 'banded') {
      byId('band-status').setAttribute('data-arrived-ms', String(performance.now() - fitStarted));
      const v = message.view;
      shown = { ...shown, curve: v.curve, predictions: v.predictions, bandNote: v.note };
      if (shown.frontier) shown = { ...shown, frontier: v.frontier ?? shown.frontier, frontierNote: v.frontierNote };
      if (v.params) {
        shown = { ...shown, params: v.params, ciMethod: v.ciMethod ?? shown.ciMethod };
        showFit(shown);
      }
      showPredictions(shown);
      showFrontier(shown);
      await Promise.all([draw(byId('figure-fit'), fitFigure(shown)), draw(byId('figure-frontier'), frontierFigure(shown))]);
      status('band-status', 'Prediction intervals shown.', 'ok');
      byId('band-status').setAttribute('data-wall-ms', String(performance.now() - fitStarted));
    } else if (message.kind === 'error') status('band-status', `No prediction intervals: ${message.message}`, 'error');
  } else if (message.id === compareId) {
    if (message.kind === 'compared') showComparison(message.view);
    else if (message.kind === 'error') fill(byId('comparison'), el('p', { class: 'warning' }, message.message));
  }
}

async function pick(files: FileList | null | undefined): Promise<void> {
  const file = files?.[0];
  if (file) load(file.name, await file.text());
}

byId<HTMLInputElement>('file-input').addEventListener('change', (e) => void pick((e.target as HTMLInputElement).files));
const zone = byId('drop-zone');
zone.addEventListener('dragover', (e) => {
  e.preventDefault();
  zone.classList.add('over');
});
zone.addEventListener('dragleave', () => zone.classList.remove('over'));
zone.addEventListener('drop', (e) => {
  e.preventDefault();
  zone.classList.remove('over');
  void pick(e.dataTransfer?.files);
});
byId('form-select').addEventListener('change', () => controls.refresh());
byId('variables-input').addEventListener('input', () => controls.refresh());
byId('fit-button').addEventListener('click', fit);
