/// <reference lib="dom" />
/** The explorer's controls: form, columns (or formula variables), loss, method, drop-top, predictions → a FitRequest. */
import type { FitLoss, FitMethod } from '@scalewise/laws';
import type { FitRequest, FormInfo, TableInfo } from '../protocol.js';
import { byId, el, fill } from './dom.js';

/** Column-name patterns that pick a sensible default per slot (the user can change every one). */
const GUESS: Record<string, RegExp[]> = {
  y: [/loss/i, /perplexity|ppl/i, /^y$/i, /error|acc/i],
  N: [/model.?size|num_?params|params|parameters|^n$/i],
  D: [/tokens|^d$/i],
  U: [/unique|^u$/i],
  acc: [/acc/i, /score|^y$/i],
  flops: [/flop|compute|^c$/i],
  x: [/param|size|^x$|^n$/i, /tokens|flop/i],
};

function guess(slot: string, numeric: string[], taken: string[]): string {
  for (const re of GUESS[slot] ?? []) {
    const hit = numeric.find((c) => re.test(c) && !taken.includes(c));
    if (hit) return hit;
  }
  return numeric.find((c) => !taken.includes(c)) ?? numeric[0] ?? '';
}

function select(id: string, options: { value: string; label: string }[], chosen: string): HTMLSelectElement {
  const s = el('select', { id, 'data-testid': id }) as HTMLSelectElement;
  for (const o of options) s.append(el('option', { value: o.value }, o.label));
  s.value = chosen;
  return s;
}

/** What each observation slot is, in words (loss-to-loss reads the first dataset's loss as its x). */
function slotLabel(form: string, slot: string): string {
  if (slot === 'N') return 'N (parameters)';
  if (slot === 'U') return 'U (unique tokens)';
  if (slot === 'x' && form === 'loss-to-loss') return 'x = L₁ (loss on dataset 1)';
  return `${slot} (input)`;
}

function labelled(text: string, control: HTMLElement): HTMLElement {
  return el('label', {}, `${text} `, control);
}

export class Controls {
  forms: FormInfo[] = [];
  table: TableInfo | null = null;

  /** Fill the form list from the worker's `FORMS` and add the formula box's entry. */
  setForms(forms: FormInfo[]): void {
    this.forms = forms;
    const formSelect = byId<HTMLSelectElement>('form-select');
    const options = forms.map((f) => el('option', { value: f.name }, `${f.name}: ${f.formula}`));
    formSelect.replaceChildren(...options, el('option', { value: 'custom' }, 'custom: formula box'));
    formSelect.value = forms.some((f) => f.name === 'power') ? 'power' : (forms[0]?.name ?? 'custom');
    this.refresh();
  }

  setTable(table: TableInfo): void {
    this.table = table;
    if (table.columns.some((c) => /model.?size/i.test(c)) && this.forms.some((f) => f.name === 'chinchilla')) {
      byId<HTMLSelectElement>('form-select').value = 'chinchilla';
    }
    this.refresh();
  }

  get formName(): string {
    return byId<HTMLSelectElement>('form-select').value;
  }

  /** Variables typed in the formula box (comma- or space-separated names). */
  private variables(): string[] {
    return byId<HTMLInputElement>('variables-input')
      .value.split(/[,\s]+/)
      .map((s) => s.trim())
      .filter(Boolean);
  }

  /** Rebuild the column selects and the method list for the chosen form, keeping choices that still apply. */
  refresh(): void {
    const info = this.forms.find((f) => f.name === this.formName);
    byId('custom-box').hidden = this.formName !== 'custom';
    byId('form-formula').textContent = info ? info.formula : 'write the law; every name that is not a variable is a parameter';
    const methods = info ? info.methods : (['nls'] as FitMethod[]);
    const method = byId<HTMLSelectElement>('method-select');
    const before = method.value;
    method.replaceChildren(...methods.map((m, i) => el('option', { value: m }, i === 0 ? `${m} (default)` : m)));
    if (methods.includes(before as FitMethod)) method.value = before;
    const lossHint = byId('loss-default');
    lossHint.textContent = info ? `form default: ${info.defaultLoss === 'huber' ? 'Huber' : 'least squares'}` : 'default: least squares';
    const box = byId('columns');
    if (!this.table) {
      fill(box, 'Load a table to choose columns.');
      return;
    }
    const numeric = this.table.numeric;
    const prior = (id: string) => (document.getElementById(id) as HTMLSelectElement | null)?.value;
    const keep = (id: string, fallback: string, allowed: string[]) => {
      const v = prior(id);
      return v && allowed.includes(v) ? v : fallback;
    };
    const cols = numeric.map((c) => ({ value: c, label: c }));
    const controls: HTMLElement[] = [];
    const yCol = keep('column-y', guess(this.formName === 'downstream' ? 'acc' : 'y', numeric, []), numeric);
    const taken = [yCol];
    const slots = info ? info.inputs : [];
    for (const slot of slots) {
      if (slot === 'D') {
        const flops = guess('flops', numeric, taken);
        const dGuess = numeric.find((c) => GUESS.D!.some((re) => re.test(c)) && !taken.includes(c));
        const options = [...cols, ...numeric.map((c) => ({ value: `flops:${c}`, label: `${c} as FLOPs: D = C/(6N)` }))];
        const values = options.map((o) => o.value);
        controls.push(labelled('D (tokens)', select('column-D', options, keep('column-D', dGuess ?? `flops:${flops}`, values))));
      } else {
        const chosen = keep(`column-${slot}`, guess(slot, numeric, taken), numeric);
        taken.push(chosen);
        controls.push(labelled(slotLabel(this.formName, slot), select(`column-${slot}`, cols, chosen)));
      }
    }
    if (this.formName === 'custom') {
      for (const v of this.variables()) {
        const chosen = keep(`column-var-${v}`, guess(v === 'D' ? 'D' : v === 'N' ? 'N' : 'x', numeric, taken), numeric);
        controls.push(labelled(`${v} =`, select(`column-var-${v}`, cols, chosen)));
      }
    }
    if (this.formName === 'downstream') {
      const chosen = keep('column-taskLoss', guess('y', numeric, taken), numeric);
      controls.push(labelled('task loss', select('column-taskLoss', cols, chosen)));
    }
    controls.push(
      labelled(this.formName === 'downstream' ? 'accuracy (fraction in [0, 1])' : 'y (measured)', select('column-y', cols, yCol)),
    );
    fill(box, ...controls);
    const predict = byId<HTMLInputElement>('predict-input');
    const names = this.formName === 'custom' ? this.variables() : slots;
    const example: Record<string, string> = { N: '1e10', D: '2e11', U: '5e10' };
    predict.placeholder =
      names.length > 1
        ? `${names.join(':')}, e.g. ${names.map((v) => example[v] ?? '1e9').join(':')}`
        : this.formName === 'loss-to-loss'
          ? 'L₁ values, e.g. 2.5, 3'
          : 'x values, e.g. 1e9, 1e10';
  }

  /** The request the controls describe; an empty or unparsable δ is left to the worker to name. */
  request(): FitRequest {
    const value = (id: string) => (document.getElementById(id) as HTMLSelectElement | HTMLInputElement | null)?.value ?? '';
    const loss = value('loss-select') as FitLoss | '';
    const d = value('column-D');
    const request: FitRequest = {
      form: this.formName,
      columns: { y: value('column-y') },
      dropTop: Number(value('drop-top') || '0'),
      predictAt: value('predict-input'),
    };
    for (const slot of ['x', 'N', 'U', 'taskLoss'] as const)
      if (document.getElementById(`column-${slot}`)) request.columns[slot] = value(`column-${slot}`);
    if (d.startsWith('flops:')) request.flops = d.slice('flops:'.length);
    else if (d) request.columns.D = d;
    const method = value('method-select');
    if (method) request.method = method as FitMethod;
    if (loss) request.loss = loss;
    request.intervals = value('intervals-select') as FitRequest['intervals'];
    if (loss === 'huber') request.delta = Number(value('delta-input'));
    if (this.formName === 'custom') {
      request.formula = value('formula-input');
      request.bindings = Object.fromEntries(this.variables().map((v) => [v, value(`column-var-${v}`)]));
      const list = (id: string) =>
        value(id)
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
      request.bounds = list('bounds-input');
      request.starts = list('starts-input');
    }
    return request;
  }
}
