import { describe, expect, it } from 'vitest';
import { ReportInputError } from '../errors.js';
import { scalingFitSpec } from '../specs/scaling.js';
import type { ReportInput } from '../types.js';
import { renderReport } from '../write.js';
import { escapeHtml, formatCell } from './format.js';
import { markdownToHtml } from './markdown.js';
import { reportHtml, tableHtml } from './report.js';

describe('formatCell', () => {
  it('formats integers, decimals, tiny/huge numbers and blanks for reading', () => {
    expect(formatCell(123456789)).toBe('123,456,789');
    expect(formatCell(12.345678)).toBe('12.35');
    expect(formatCell(0.000012346)).toBe('1.235e-5');
    expect(formatCell(6.02e23)).toBe('6.020e23');
    expect(formatCell(2.5e7 + 0.5)).toBe('2.500e7');
    expect(formatCell(null)).toBe('—');
    expect(formatCell(Number.NaN)).toBe('NaN');
    expect(formatCell(true)).toBe('yes');
  });
});

describe('markdownToHtml', () => {
  it('renders paragraphs, bullets and inline markup, escaping HTML', () => {
    const html = markdownToHtml('A **bold** `x<y` and *it*.\n\n- one\n- <script>two</script>');
    expect(html).toBe(
      '<p>A <strong>bold</strong> <code>x&lt;y</code> and <em>it</em>.</p>\n<ul><li>one</li><li>&lt;script&gt;two&lt;/script&gt;</li></ul>',
    );
  });
  it('escapes quotes for attributes', () => expect(escapeHtml(`"a'&`)).toBe('&quot;a&#39;&amp;'));
});

describe('tables', () => {
  it('puts units in headers and right-aligns numbers', () => {
    const html = tableHtml({ columns: ['model', 'loss'], units: { loss: 'nats/token' }, rows: [{ model: 'a', loss: 3.14159 }] });
    expect(html).toContain('<th scope="col">loss (nats/token)</th>');
    expect(html).toContain('<td class="num">3.142</td>');
    expect(html).toContain('<td>a</td>');
  });
});

const fig = (name: string) => ({
  name,
  spec: scalingFitSpec({
    points: [
      { x: 1, y: 1 },
      { x: 10, y: 0.5 },
    ],
    xTitle: 'N',
    yTitle: 'L',
  }),
});

describe('reportHtml', () => {
  const input: ReportInput = {
    title: 'T <1>',
    summary: ['fit **ok**'],
    sections: [{ title: 'S', text: 'hello', tables: [{ columns: ['a'], rows: [{ a: 1 }] }], figures: [fig('one'), fig('two')] }],
    config: { steps: 10 },
    versions: { node: 'v20' },
  };

  it('is a self-contained page: inline SVGs, no scripts, no external resources', async () => {
    const html = await renderReport(input);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<title>T &lt;1&gt;</title>');
    expect(html.match(/<figure class="figure"/g)).toHaveLength(2);
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
    expect(html).toContain('&quot;steps&quot;: 10');
    expect(html).toContain('<td>v20</td>');
    expect(html).toContain('<strong>ok</strong>');
  });

  it('has no duplicate element ids even with several figures', async () => {
    const html = await renderReport(input);
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('rejects bad or duplicate figure names', () => {
    const svgs = new Map([['x', '<svg width="1" height="1"></svg>']]);
    expect(() => reportHtml({ title: 't', sections: [{ title: 's', figures: [fig('a b')] }] }, svgs)).toThrow(ReportInputError);
    expect(() => reportHtml({ title: 't', sections: [{ title: 's', figures: [fig('x'), fig('x')] }] }, svgs)).toThrow(/used twice/);
    expect(() => reportHtml({ title: '', sections: [] }, svgs)).toThrow(/title/);
  });
});
