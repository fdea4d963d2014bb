/** Text options of a custom form: bounds `alpha>0` and starts `alpha=0.5` or ranges `alpha=0.1..1`. */
import { LawsInputError } from '../errors.js';

const NUMBER = '[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?';
const START_RE = new RegExp(`^\\s*([A-Za-z_]\\w*)\\s*=\\s*(${NUMBER})\\s*(?:\\.\\.\\s*(${NUMBER})\\s*)?$`);

/** The open or closed range one parameter is kept in; a closed end (`>=`) admits starts on the bound. */
export interface ParamRange {
  lower: number;
  upper: number;
  lowerClosed: boolean;
  upperClosed: boolean;
}

export interface ParsedBounds {
  /** Parameters bounded by `>0` (or `>=0`) alone: fitted as their logarithm. */
  positive: Set<string>;
  /** Every bounded parameter's range, the positive ones included. */
  ranges: Map<string, ParamRange>;
}

interface Token {
  kind: 'name' | 'number' | 'op';
  text: string;
  /** 1-based position in the bound text. */
  pos: number;
}

const TOKEN_RE = new RegExp(`([A-Za-z_]\\w*)|(${NUMBER})|(<=|>=|<|>)`, 'y');

function tokenize(text: string, fail: (pos: number, why: string) => never): Token[] {
  const out: Token[] = [];
  let at = 0;
  for (;;) {
    while (at < text.length && /\s/.test(text[at]!)) at++;
    if (at >= text.length) return out;
    TOKEN_RE.lastIndex = at;
    const m = TOKEN_RE.exec(text);
    if (!m) fail(at + 1, `unexpected '${text[at]}'`);
    out.push({ kind: m![1] ? 'name' : m![2] ? 'number' : 'op', text: m![0], pos: at + 1 });
    at = TOKEN_RE.lastIndex;
  }
}

const EXPECTED = 'expected NAME>L, NAME>=L, NAME<U, NAME<=U or L<NAME<U';

/**
 * Bounds from texts `NAME>L`, `NAME>=L`, `NAME<U`, `NAME<=U`, `L<NAME<U` (`<=` too), numbers in JavaScript float
 * syntax (`1e-3`, `.5`, `-2`). A lower and an upper bound of one parameter given separately combine. Errors are
 * LawsInputErrors naming the bound and the 1-based position in it.
 */
export function parseBounds(bounds: readonly string[], params: readonly string[]): ParsedBounds {
  const ranges = new Map<string, ParamRange>();
  for (const text of bounds) {
    const fail = (pos: number, why: string): never => {
      throw new LawsInputError(`bound '${text}', position ${pos}: ${why} (${EXPECTED})`);
    };
    const t = tokenize(text, fail);
    const end = text.length + 1;
    const expect = (i: number, kind: Token['kind'], what: string): Token => {
      const tok = t[i];
      if (!tok) fail(end, `expected ${what} at the end`);
      if (tok!.kind !== kind) fail(tok!.pos, `expected ${what}, found '${tok!.text}'`);
      return tok!;
    };
    if (t.length === 0) fail(1, 'empty bound');
    // Each side: the relation read as "NAME op value".
    const sides: { op: string; value: Token }[] = [];
    const mirror: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
    let name: Token;
    if (t[0]!.kind === 'name') {
      name = t[0]!;
      const op = expect(1, 'op', `<, <=, > or >= after '${name.text}'`);
      sides.push({ op: op.text, value: expect(2, 'number', `a number after '${op.text}'`) });
      if (t[3]) fail(t[3].pos, `unexpected '${t[3].text}' after the bound`);
    } else if (t[0]!.kind === 'number') {
      const op = expect(1, 'op', `<, <=, > or >= after '${t[0]!.text}'`);
      name = expect(2, 'name', `a parameter name after '${op.text}'`);
      sides.push({ op: mirror[op.text]!, value: t[0]! });
      if (t[3]) {
        const op2 = expect(3, 'op', `<, <=, > or >= after '${name.text}'`);
        if (op2.text[0] !== op.text[0]) fail(op2.pos, `'${op.text}' and '${op2.text}' point different ways`);
        sides.push({ op: op2.text, value: expect(4, 'number', `a number after '${op2.text}'`) });
        if (t[5]) fail(t[5].pos, `unexpected '${t[5].text}' after the bound`);
      }
    } else {
      fail(t[0]!.pos, `expected a parameter name or a number, found '${t[0]!.text}'`);
    }
    if (!params.includes(name!.text))
      fail(name!.pos, `'${name!.text}' is not a parameter of the formula (parameters: ${params.join(', ')})`);
    const range = ranges.get(name!.text) ?? { lower: -Infinity, upper: Infinity, lowerClosed: false, upperClosed: false };
    for (const { op, value } of sides) {
      const v = Number(value.text);
      if (!Number.isFinite(v)) fail(value.pos, `'${value.text}' is not a finite number`);
      const lower = op[0] === '>';
      if (lower ? range.lower > -Infinity : range.upper < Infinity)
        fail(value.pos, `'${name!.text}' already has ${lower ? 'a lower' : 'an upper'} bound`);
      if (lower) [range.lower, range.lowerClosed] = [v, op === '>='];
      else [range.upper, range.upperClosed] = [v, op === '<='];
    }
    if (!(range.lower < range.upper))
      fail(1, `the lower bound ${range.lower} of '${name!.text}' is not below its upper bound ${range.upper}`);
    ranges.set(name!.text, range);
  }
  const positive = new Set([...ranges].filter(([, r]) => r.lower === 0 && r.upper === Infinity).map(([n]) => n));
  return { positive, ranges };
}

/** A start value for a parameter without one: 1 when the range allows it, else a point well inside the range. */
export function defaultStart(range: ParamRange | undefined): number {
  if (!range || inRange(range, 1)) return 1;
  const { lower, upper } = range;
  if (Number.isFinite(lower) && Number.isFinite(upper)) return (lower + upper) / 2;
  return Number.isFinite(lower) ? lower + Math.max(1, Math.abs(lower)) : upper - Math.max(1, Math.abs(upper));
}

/** Whether `v` satisfies the range (its closed ends included). */
export function inRange(r: ParamRange, v: number): boolean {
  return (r.lowerClosed ? v >= r.lower : v > r.lower) && (r.upperClosed ? v <= r.upper : v < r.upper);
}

/**
 * A start on a closed end moved just inside: the fit keeps every bound open (the transform reaches the bound only
 * in the limit), so a start exactly on it could not be transformed.
 */
export function nudgeInside(r: ParamRange, v: number): number {
  const width = Number.isFinite(r.upper - r.lower) ? r.upper - r.lower : Math.max(1, Math.abs(v));
  if (v === r.lower) return v + 1e-3 * width;
  if (v === r.upper) return v - 1e-3 * width;
  return v;
}

/** Start values per parameter from `NAME=V` or `NAME=LO..HI` (a range gives `points` values). */
export function parseStarts(
  starts: readonly string[],
  params: readonly string[],
  bounds: ParsedBounds,
  points: number,
): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const text of starts) {
    const m = START_RE.exec(text);
    if (!m) throw new LawsInputError(`start '${text}': expected NAME=VALUE or NAME=LO..HI with decimal numbers`);
    const name = m[1]!;
    if (!params.includes(name))
      throw new LawsInputError(`start '${text}': '${name}' is not a parameter of the formula (parameters: ${params.join(', ')})`);
    if (out.has(name)) throw new LawsInputError(`start '${text}': '${name}' already has a start`);
    const lo = Number(m[2]);
    const hi = m[3] === undefined ? lo : Number(m[3]);
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || hi < lo) {
      throw new LawsInputError(`start '${text}': expected LO ≤ HI, both finite`);
    }
    const range = bounds.ranges.get(name);
    if (range && !(inRange(range, lo) && inRange(range, hi))) {
      const r = `${range.lowerClosed ? '[' : '('}${range.lower}, ${range.upper}${range.upperClosed ? ']' : ')'}`;
      throw new LawsInputError(`start '${text}': '${name}' is bounded to ${r}, so its starts must be ${positiveWord(range) ?? `in ${r}`}`);
    }
    const k = hi === lo ? 1 : points;
    // Ranges of positive parameters are spaced evenly in log (they are fitted as logarithms).
    const logSpaced = bounds.positive.has(name) && lo > 0;
    out.set(
      name,
      Array.from({ length: k }, (_, i) => {
        const t = k === 1 ? 0 : i / (k - 1);
        const v = logSpaced ? lo * (hi / lo) ** t : lo + (hi - lo) * t;
        return range ? nudgeInside(range, v) : v;
      }),
    );
  }
  return out;
}

const positiveWord = (r: ParamRange): string | null => (r.lower === 0 && r.upper === Infinity && !r.lowerClosed ? '> 0' : null);

/** Every combination of the per-parameter start values (parameters without one start at `defaultStart`). */
export function startGrid(params: readonly string[], values: Map<string, number[]>, max: number, bounds?: ParsedBounds): number[][] {
  let grid: number[][] = [[]];
  for (const name of params) {
    const range = bounds?.ranges.get(name);
    const vs = values.get(name) ?? [range ? nudgeInside(range, defaultStart(range)) : 1];
    grid = grid.flatMap((s) => vs.map((v) => [...s, v]));
    if (grid.length > max)
      throw new LawsInputError(`the start ranges give more than ${max} starting points: narrow them or give fewer ranges`);
  }
  return grid;
}
