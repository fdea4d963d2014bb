/**
 * The analysis flags of `scalewise fit`, checked before any file is read: --predict points, --optimal budgets,
 * --method/--loss/--delta, and the unit of y (--unit-y, or a guess from the column name that always warns).
 */
import { getForm, parseYUnit, resolveFitOptions, strategyOf, type FitLoss, type FitMethod, type Form, type YUnit } from '@scalewise/laws';
import { UsageError, numberFlag } from '../kit.js';

/** Most points accepted by --predict or --optimal (each one is a row of output). */
export const MAX_POINTS = 10_000;

const METHODS: readonly FitMethod[] = ['ols', 'nls', 'varpro', 'grid'];

/** A comma-separated list of values, each a number or (for --predict on multi-input forms) numbers joined by ':'. */
function items(flag: string, text: string): string[] {
  const list = text.split(',').map((s) => s.trim());
  if (list.some((s) => s === '')) throw new UsageError(`--${flag} has an empty value in '${text}': separate values by single commas`);
  if (list.length > MAX_POINTS) throw new UsageError(`--${flag} takes at most ${MAX_POINTS} values, found ${list.length}`);
  return list;
}

function decimal(flag: string, s: string, example: string): number {
  const v = Number(s);
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s) || !Number.isFinite(v))
    throw new UsageError(`--${flag} expects decimal numbers separated by commas (e.g. ${example}), found '${s}'`);
  return v;
}

/**
 * `--predict X[,X...]` for one-input forms, `N:D[,N:D...]` for two-input forms (in the order of the form's
 * inputs; a custom form's variables in formula order). Built-in forms take positive inputs only.
 */
export function parsePredict(text: string, form: Form, names: readonly string[] = form.inputs): Record<string, number[]> {
  const k = form.inputs.length;
  const example = k === 1 ? '1e9,3e9' : Array.from({ length: k }, (_, i) => ['1e9', '2e10', '5'][i]).join(':');
  const takes = k === 1 ? `one variable (${names[0]})` : `${names.join(' and ')}`;
  const at: Record<string, number[]> = Object.fromEntries(form.inputs.map((slot) => [slot, []]));
  for (const item of items('predict', text)) {
    const parts = item.split(':');
    if (parts.length !== k)
      throw new UsageError(
        `--predict: form '${form.name}' takes ${takes}: give ${k === 1 ? 'values' : `${names.join(':')} tuples`} such as ${example}, ` +
          `found '${item}'`,
      );
    parts.forEach((part, c) => {
      const v = decimal('predict', part.trim(), example);
      if (!form.strategy && !(v > 0))
        throw new UsageError(`--predict: ${names[c]} must be positive for form '${form.name}', found '${part}'`);
      at[form.inputs[c]!]!.push(v);
    });
  }
  return at;
}

/** `--optimal C[,C...]`: positive compute budgets in FLOPs. */
export function parseOptimal(text: string): number[] {
  return items('optimal', text).map((s) => {
    const v = decimal('optimal', s, '1e21,1e24');
    if (!(v > 0)) throw new UsageError(`--optimal expects positive compute budgets in FLOPs (e.g. 1e21,1e24), found '${s}'`);
    return v;
  });
}

export interface FitChoices {
  method?: FitMethod;
  loss?: FitLoss;
  delta?: number;
}

/** `--method`, `--loss`, `--delta` for a form: values it accepts, or exit 2 naming the form and what it accepts. */
export function fitChoices(form: Form, f: { method?: string; loss?: string; delta?: string }): FitChoices {
  const strategy = strategyOf(form);
  if (f.method !== undefined && !(METHODS as readonly string[]).includes(f.method))
    throw new UsageError(`--method expects one of ${METHODS.join(', ')}, found '${f.method}'`);
  const method = f.method as FitMethod | undefined;
  if (method !== undefined && !strategy.methods.includes(method))
    throw new UsageError(`--method ${method}: form '${form.name}' is fitted by ${strategy.methods.join(' or ')}, not ${method}`);
  if (f.loss !== undefined && f.loss !== 'ls' && f.loss !== 'huber') throw new UsageError(`--loss expects ls or huber, found '${f.loss}'`);
  const loss = f.loss as FitLoss | undefined;
  const delta = numberFlag('delta', f.delta);
  if (delta !== undefined && !(delta > 0)) throw new UsageError(`--delta expects a positive number, found '${f.delta}'`);
  const resolved = resolveFitOptions(form, { method, loss, delta });
  if (delta !== undefined && resolved.loss !== 'huber') throw new UsageError('--delta applies only with --loss huber');
  // Log-log OLS is least squares by construction: a Huber loss needs the NLS fitter.
  if (resolved.method === 'ols' && resolved.loss !== 'ls')
    throw new UsageError(`--loss ${resolved.loss}: form '${form.name}' with method ols is least squares; add --method nls`);
  return { method, loss, delta };
}

/** The y unit: --unit-y, else a guess from the column name (a warning), else loss_nats (also a warning). */
export function yUnitFor(
  flag: string | undefined,
  column: string,
): { unit: YUnit; from: 'flag' | 'column name' | 'default'; warning?: string } {
  if (flag !== undefined) {
    try {
      return { unit: parseYUnit(flag), from: 'flag' };
    } catch (error) {
      throw new UsageError(`--unit-y: ${(error as Error).message}`, { cause: error });
    }
  }
  const name = column.toLowerCase();
  const word = (re: string) => new RegExp(`(^|[^a-z])(${re})([^a-z]|$)`).test(name);
  const guess: YUnit | null =
    name.includes('perplexity') || word('ppl')
      ? 'perplexity'
      : name.includes('bits_per_byte') || word('bpb')
        ? 'bits_per_byte'
        : name.includes('accuracy') || word('acc')
          ? 'accuracy'
          : name.includes('loss') || word('nll|xent')
            ? 'loss_nats'
            : null;
  if (guess)
    return { unit: guess, from: 'column name', warning: `y unit ${guess} guessed from the column name '${column}'; pass --unit-y` };
  return { unit: 'loss_nats', from: 'default', warning: `y unit not given: assumed loss_nats (nats/token); pass --unit-y` };
}

/** `--compare FORM,FORM`: built-in forms of the same inputs as `form`, none listed twice, fitted in the same space. */
export function parseCompare(text: string | undefined, form: Form, space: 'log' | 'linear'): Form[] {
  if (text === undefined) return [];
  const describe = (fm: Form) => (fm.inputs.length === 1 ? 'one variable' : fm.inputs.join(' and '));
  const seen = new Set([form.name]);
  return items('compare', text).map((name) => {
    const other = getForm(name);
    if ([...other.inputs].sort().join() !== [...form.inputs].sort().join())
      throw new UsageError(
        `--compare: form '${other.name}' takes ${describe(other)}, form '${form.name}' takes ${describe(form)}: ` +
          'compare forms of the same inputs',
      );
    if (seen.has(other.name)) throw new UsageError(`--compare: form '${other.name}' is already fitted (the main form, or listed twice)`);
    seen.add(other.name);
    if (space !== 'log')
      throw new UsageError(`--compare: this fit is in ${space} space, built-in forms in log space: their AICc are not comparable`);
    return other;
  });
}

/** `--optimal` only means something for the chinchilla form. */
export function checkOptimal(text: string | undefined, form: Form): number[] | undefined {
  if (text === undefined) return undefined;
  if (form.name !== 'chinchilla')
    throw new UsageError(`--optimal applies only to --form chinchilla (E + A/N^alpha + B/D^beta), not '${form.name}'`);
  return parseOptimal(text);
}

/** The fit choices as --json records them: the resolved method, the loss and Huber's δ (null for least squares). */
export function choicesJson(r: { method: FitMethod; loss: FitLoss; delta: number }): {
  fit_method: FitMethod;
  loss: FitLoss;
  delta: number | null;
} {
  return { fit_method: r.method, loss: r.loss, delta: r.loss === 'huber' ? r.delta : null };
}

/** The fit choices in words, for the text output. */
export function choicesText(r: { method: FitMethod; loss: FitLoss; delta: number }): string {
  return `--method ${r.method}, --loss ${r.loss}${r.loss === 'huber' ? ` (δ = ${r.delta})` : ''}`;
}
