/// <reference lib="dom" />
/** Small DOM helpers of the explorer page (no framework: the page must work from file:// with nothing loaded). */

/** The element with this id; a missing one is a bug in the page's HTML, so it throws. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`explorer page: no element #${id}`);
  return el as T;
}

/** A new element with attributes and children (strings become text, never HTML). */
export function el(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}

/** A number with `digits` significant digits; '—' for null or non-finite. */
export function fmt(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(digits - 1);
  return Number(v.toPrecision(digits)).toString();
}

/** `[lo, hi]` with `digits` significant digits. */
export function fmtInterval(ci: [number, number] | null, digits = 4): string {
  return ci ? `[${fmt(ci[0], digits)}, ${fmt(ci[1], digits)}]` : '—';
}

/** A table from a header and rows of cells; numeric cells are right-aligned, `testid`s are stable hooks for tests. */
export function table(testid: string, header: string[], rows: { cells: string[]; testid?: string; numeric?: boolean[] }[]): HTMLElement {
  const head = el('tr', {}, ...header.map((h) => el('th', { scope: 'col' }, h)));
  const body = rows.map((r) =>
    el(
      'tr',
      r.testid ? { 'data-testid': r.testid } : {},
      ...r.cells.map((c, i) => el('td', r.numeric?.[i] === false ? {} : { class: 'num' }, c)),
    ),
  );
  return el('table', { 'data-testid': testid }, el('thead', {}, head), el('tbody', {}, ...body));
}

/** Replace an element's children. */
export function fill(target: HTMLElement, ...children: (Node | string)[]): void {
  target.replaceChildren(...children);
}
