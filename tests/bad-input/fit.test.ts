import { describe, it } from 'vitest';
import { runCase, type BadCase } from './harness.js';

// `scalewise fit` on bad tables and flags (issue #20; F* rows of the hostile-input report plus variants).
const GOOD = 'x,y\n1,3\n2,2.2\n4,1.6\n8,1.2\n16,0.9\n';
const CHIN = 'Model Size,Training FLOP,tokens,loss\n1e8,1e19,1.6e10,3.1\n2e8,2e19,1.7e10,2.9\n4e8,4e19,1.6e10,2.8\n8e8,8e19,1.7e10,2.7\n1.6e9,1.6e20,1.6e10,2.6\n3.2e9,3.2e20,1.7e10,2.55\n';
/** y near the largest double: the t interval of a overflows. */
const HUGE = 'x,y\n1,1e308\n2,3e307\n3,1.5e308\n4,5e307\n5,1.2e308\n';
const cell = (v: string): string => `x,y\n1,3\n2,${v}\n4,1.6\n8,1.2\n`;
const fit = (file: string, ...flags: string[]): string[] => ['fit', file, ...flags];

const CASES: BadCase[] = [
  // The rows of the report.
  { id: 'F02', title: 'header-only CSV says there are no data rows', argv: fit('header_only.csv', '--form', 'power'), files: { 'header_only.csv': 'x,y\n' }, stderr: [/header_only\.csv: no data rows/] },
  {
    id: 'F08', title: 'a CI end that overflows a double is a warning and ∞, never a silent Infinity', argv: fit('huge_y.csv', '--form', 'power'), files: { 'huge_y.csv': HUGE }, code: 0,
    stdout: [/\[[\d.e+]+, ∞\]/, /warning: the 95% CI of a has an unbounded upper end/],
    check: (r) => { if (/Infinity/.test(r.stdout)) throw new Error('Infinity printed'); },
  },
  {
    id: 'F08j', title: 'the same overflow in --json is null with a warning', argv: fit('huge_y.csv', '--form', 'power', '--json'), files: { 'huge_y.csv': HUGE }, code: 0,
    stdout: [/"a": \[\s*[\d.e+]+,\s*null\s*\]/, /unbounded upper end.*null in --json/],
  },
  { id: 'F18', title: '--n/--d on a one-variable form do not apply', argv: fit('good.csv', '--form', 'power', '--n', 'x', '--d', 'y'), files: { 'good.csv': GOOD }, stderr: [/--n does not apply to form 'power'/, /--x COL/] },
  { id: 'F18d', title: '--d alone on a one-variable form', argv: fit('good.csv', '--form', 'saturating', '--d', 'y'), files: { 'good.csv': GOOD }, stderr: [/--d does not apply to form 'saturating'/] },
  { id: 'F18f', title: '--flops on a one-variable form', argv: fit('good.csv', '--form', 'kaplan-n', '--flops', 'x'), files: { 'good.csv': GOOD }, stderr: [/--flops does not apply to form 'kaplan-n'/] },
  { id: 'F61', title: '--n on kaplan-n (one variable) with --x', argv: fit('chin.csv', '--form', 'kaplan-n', '--n', 'Model Size', '--y', 'loss', '--x', 'Model Size'), files: { 'chin.csv': CHIN }, stderr: [/--n does not apply to form 'kaplan-n'/] },
  { id: 'F61x', title: '--x on a two-variable form does not apply', argv: fit('chin.csv', '--form', 'chinchilla', '--x', 'Model Size', '--n', 'Model Size', '--d', 'tokens', '--y', 'loss'), files: { 'chin.csv': CHIN }, stderr: [/--x does not apply to form 'chinchilla'/] },
  { id: 'F60', title: '--d with --flops conflict', argv: fit('chin.csv', '--form', 'chinchilla', '--n', 'Model Size', '--d', 'Training FLOP', '--flops', 'Training FLOP', '--y', 'loss', '--bootstrap', '0'), files: { 'chin.csv': CHIN }, stderr: [/--d and --flops conflict/] },
  { id: 'F32', title: 'hexadecimal cell', argv: fit('hex.csv', '--form', 'power'), files: { 'hex.csv': cell('0x10') }, stderr: [/hex\.csv: row 2, column 'y': expected a finite number, found '0x10' \(hexadecimal/] },
  { id: 'F32e', title: "dangling exponent '1e'", argv: fit('e.csv', '--form', 'power'), files: { 'e.csv': cell('1e') }, stderr: [/e\.csv: row 2, column 'y': expected a finite number, found '1e'/] },
  { id: 'F32b', title: 'blank cell (spaces)', argv: fit('blank.csv', '--form', 'power'), files: { 'blank.csv': cell('  ') }, stderr: [/blank\.csv: row 2, column 'y': .*blank cell/] },
  { id: 'F32i', title: 'Infinity cell', argv: fit('inf.csv', '--form', 'power'), files: { 'inf.csv': cell('Infinity') }, stderr: [/inf\.csv: row 2, column 'y': .*infinite value/] },
  { id: 'F32m', title: '-inf cell', argv: fit('minf.csv', '--form', 'power'), files: { 'minf.csv': cell('-inf') }, stderr: [/minf\.csv: row 2, column 'y': .*infinite value/] },
  { id: 'F32n', title: 'NaN cell (reported without printing NaN)', argv: fit('nan.csv', '--form', 'power'), files: { 'nan.csv': cell('NaN') }, stderr: [/nan\.csv: row 2, column 'y': .*not-a-number marker/] },
  { id: 'F32z', title: 'empty cell', argv: fit('empty_cell.csv', '--form', 'power'), files: { 'empty_cell.csv': cell('') }, stderr: [/empty_cell\.csv: row 2, column 'y': .*empty cell/] },
  { id: 'F32u', title: 'digit separators', argv: fit('sep.csv', '--form', 'power'), files: { 'sep.csv': cell('1_000') }, stderr: [/sep\.csv: row 2, column 'y': .*found '1_000'/] },
  { id: 'F32o', title: 'a number beyond the range of a double', argv: fit('big.csv', '--form', 'power'), files: { 'big.csv': cell('1e999') }, stderr: [/big\.csv: row 2, column 'y': .*out of the range of a double/] },
  { id: 'F32b2', title: 'binary literal', argv: fit('bin.csv', '--form', 'power'), files: { 'bin.csv': cell('0b101') }, stderr: [/bin\.csv: row 2, column 'y': .*binary/] },
  { id: 'F35', title: 'a binary file is not a table', argv: fit('binary.csv', '--form', 'power'), files: { 'binary.csv': new Uint8Array([0x78, 0x2c, 0x79, 0x0a, 0x00, 0x1b, 0x5b, 0x32, 0x4a, 0x07, 0xff, 0x0a]) }, stderr: [/binary\.csv: not a text table/] },
  { id: 'F35c', title: 'a control character in a cell is escaped', argv: fit('bell.csv', '--form', 'power'), files: { 'bell.csv': cell('3\u0007') }, stderr: [/bell\.csv: row 2, column 'y': expected a finite number, found '3\\x07'/] },
  { id: 'F51', title: 'escape sequences in a header are escaped when listed', argv: fit('escape.csv', '--form', 'power'), files: { 'escape.csv': 'x\u001b]0;pwned\u0007,\u001b[2Jy\n1,2\n2,3\n3,4\n' }, stderr: [/escape\.csv: no column 'y'; columns are: x\\x1b\]0;pwned\\x07, \\x1b\[2Jy/] },
  { id: 'F51c', title: 'an escape sequence in a cell is escaped', argv: fit('esc_cell.csv', '--form', 'power'), files: { 'esc_cell.csv': cell('\u001b[31m2') }, stderr: [/esc_cell\.csv: row 2, column 'y': expected a finite number, found '\\x1b\[31m2'/] },
  { id: 'F51f', title: 'a control character in --y is escaped', argv: fit('good.csv', '--form', 'power', '--y', 'y\u001b[2J'), files: { 'good.csv': GOOD }, stderr: [/no column 'y\\x1b\[2J'/] },
  { id: 'F57', title: '--bootstrap 1e12 is out of range', argv: fit('good.csv', '--form', 'power', '--bootstrap', '1e12'), files: { 'good.csv': GOOD }, stderr: [/--bootstrap expects an integer in \[0, 100000\], found '1e12'/] },
  { id: 'F57n', title: '--bootstrap negative', argv: fit('good.csv', '--form', 'power', '--bootstrap=-1'), files: { 'good.csv': GOOD }, stderr: [/--bootstrap expects an integer in \[0, 100000\], found '-1'/] },
  { id: 'F57f', title: '--bootstrap fractional', argv: fit('good.csv', '--form', 'power', '--bootstrap', '2.5'), files: { 'good.csv': GOOD }, stderr: [/--bootstrap expects an integer/] },
  { id: 'F57t', title: '--bootstrap not a number', argv: fit('good.csv', '--form', 'power', '--bootstrap', 'many'), files: { 'good.csv': GOOD }, stderr: [/--bootstrap expects a number, found 'many'/] },
  { id: 'F57s', title: '--seed fractional', argv: fit('good.csv', '--form', 'power', '--bootstrap', '10', '--seed', '1.5'), files: { 'good.csv': GOOD }, stderr: [/--seed expects an integer in \[0, 4294967295\], found '1.5'/] },
  { id: 'F57g', title: '--seed negative', argv: fit('good.csv', '--form', 'power', '--seed=-1'), files: { 'good.csv': GOOD }, stderr: [/--seed expects an integer/] },
  // Drop-top.
  { id: 'FD1', title: '--drop-top beyond the rows', argv: fit('good.csv', '--form', 'power', '--drop-top', '5'), files: { 'good.csv': GOOD }, stderr: [/--drop-top expects an integer in \[0, 4\] \(good\.csv has 5 data rows\), found 5/] },
  { id: 'FD2', title: '--drop-top negative', argv: fit('good.csv', '--form', 'power', '--drop-top=-1'), files: { 'good.csv': GOOD }, stderr: [/--drop-top expects a non-negative integer, found '-1'/] },
  { id: 'FD3', title: '--drop-top fractional', argv: fit('good.csv', '--form', 'power', '--drop-top', '1.5'), files: { 'good.csv': GOOD }, stderr: [/--drop-top expects a non-negative integer/] },
  // Columns and values.
  { id: 'FC1', title: 'missing x column', argv: fit('good.csv', '--form', 'power', '--x', 'params'), files: { 'good.csv': GOOD }, stderr: [/good\.csv: no column 'params'; columns are: x, y/] },
  { id: 'FC2', title: 'missing y column', argv: fit('good.csv', '--form', 'power', '--y', 'loss'), files: { 'good.csv': GOOD }, stderr: [/good\.csv: no column 'loss'/] },
  { id: 'FC3', title: 'missing N column of a joint form', argv: fit('chin.csv', '--form', 'chinchilla', '--n', 'N', '--d', 'tokens', '--y', 'loss'), files: { 'chin.csv': CHIN }, stderr: [/chin\.csv: no column 'N'/] },
  { id: 'FC4', title: 'zero x in a log-space fit', argv: fit('zero.csv', '--form', 'power'), files: { 'zero.csv': 'x,y\n1,3\n0,2\n4,1\n' }, stderr: [/zero\.csv: row 2, column 'x': expected a positive number for a log-space fit, found 0/] },
  { id: 'FC5', title: 'negative y in a log-space fit', argv: fit('neg.csv', '--form', 'saturating'), files: { 'neg.csv': cell('-2') }, stderr: [/neg\.csv: row 2, column 'y': expected a positive number/] },
  { id: 'FC6', title: 'non-positive FLOPs', argv: fit('chin0.csv', '--form', 'chinchilla', '--n', 'Model Size', '--flops', 'Training FLOP', '--y', 'loss'), files: { 'chin0.csv': CHIN.replace('1e8,1e19', '1e8,0') }, stderr: [/chin0\.csv: row 1, column 'Training FLOP': expected a positive number/] },
  { id: 'FC7', title: 'duplicate header', argv: fit('dup.csv', '--form', 'power'), files: { 'dup.csv': 'x,y,x\n1,2,3\n' }, stderr: [/dup\.csv: duplicate column 'x'/] },
  { id: 'FC8', title: 'ragged row (too few fields)', argv: fit('short.csv', '--form', 'power'), files: { 'short.csv': 'x,y\n1,2\n3\n4,5\n' }, stderr: [/short\.csv: row 2 \(line 3\) has 1 fields, the header has 2/] },
  { id: 'FC9', title: 'ragged row (too many fields)', argv: fit('long.csv', '--form', 'power'), files: { 'long.csv': 'x,y\n1,2\n3,4,5\n' }, stderr: [/long\.csv: row 2 \(line 3\) has 3 fields/] },
  { id: 'FQ1', title: 'unterminated quoted field', argv: fit('q1.csv', '--form', 'power'), files: { 'q1.csv': 'x,y\n1,"2\n3,4\n' }, stderr: [/q1\.csv: line 2: unterminated quoted field/] },
  { id: 'FQ2', title: 'quote inside an unquoted field', argv: fit('q2.csv', '--form', 'power'), files: { 'q2.csv': 'x,y\n1,2"3"\n' }, stderr: [/q2\.csv: line 2: a quote inside an unquoted field/] },
  { id: 'FQ3', title: 'text after a closing quote', argv: fit('q3.csv', '--form', 'power'), files: { 'q3.csv': 'x,y\n1,"2"3\n' }, stderr: [/q3\.csv: line 2: unexpected character '3' after a closing quote/] },
  { id: 'FQ4', title: 'quoted numbers, a quoted header with a comma, BOM and CRLF are fine', argv: fit('ok.csv', '--form', 'power', '--x', 'size, total', '--json'), files: { 'ok.csv': '\ufeff"size, total",y\r\n"1",3\r\n2,"2.2"\r\n4,1.6\r\n8,1.2\r\n' }, code: 0, stdout: [/"n_points": 4/] },
  { id: 'FQ5', title: 'old Mac (CR-only) line endings', argv: fit('cr.csv', '--form', 'power'), files: { 'cr.csv': 'x,y\r1,2\r2,3\r' }, stderr: [/cr\.csv: line 1: a carriage return inside the header/] },
  { id: 'FE1', title: 'empty file', argv: fit('empty.csv', '--form', 'power'), files: { 'empty.csv': '' }, stderr: [/empty\.csv: empty file, expected a header row/] },
  { id: 'FE2', title: 'missing file', argv: fit('nope.csv', '--form', 'power'), stderr: [/nope\.csv: cannot read the file \(no such file\)/] },
  { id: 'FE3', title: 'a folder instead of a file', argv: fit('folder', '--form', 'power'), files: { folder: { dir: { 'a.csv': GOOD } } }, stderr: [/folder: cannot read the file \(it is a folder\)/] },
  { id: 'FE4', title: 'two files', argv: ['fit', 'a.csv', 'b.csv', '--form', 'power'], files: { 'a.csv': GOOD, 'b.csv': GOOD }, stderr: [/expected exactly one FILE, found 2/] },
  { id: 'FE5', title: 'too few points for the form', argv: fit('two.csv', '--form', 'saturating'), files: { 'two.csv': 'x,y\n1,2\n2,1.5\n' }, stderr: [/two\.csv: .*3 parameters but only 2 points/] },
  { id: 'FE6', title: 'no spread in x', argv: fit('flat.csv', '--form', 'power'), files: { 'flat.csv': 'x,y\n5,2\n5,3\n5,4\n' }, stderr: [/flat\.csv: column 'x' has no spread/] },
  // JSON input.
  { id: 'FJ1', title: 'invalid JSON', argv: fit('bad.json', '--form', 'power'), files: { 'bad.json': '[{"x": 1, "y": 2},' }, stderr: [/bad\.json: invalid JSON/] },
  { id: 'FJ2', title: 'empty JSON array', argv: fit('empty.json', '--form', 'power'), files: { 'empty.json': '[]' }, stderr: [/empty\.json: expected a non-empty JSON array of row objects/] },
  { id: 'FJ3', title: 'JSON object without rows', argv: fit('obj.json', '--form', 'power'), files: { 'obj.json': '{"data": []}' }, stderr: [/obj\.json: expected a non-empty JSON array/] },
  { id: 'FJ4', title: 'JSON row that is not an object', argv: fit('rows.json', '--form', 'power'), files: { 'rows.json': '[{"x": 1, "y": 2}, [2, 3]]' }, stderr: [/rows\.json: row 2 is not an object/] },
  { id: 'FJ5', title: 'JSON string cell', argv: fit('str.json', '--form', 'power'), files: { 'str.json': '[{"x": 1, "y": 2}, {"x": 2, "y": "abc"}, {"x": 3, "y": 1}]' }, stderr: [/str\.json: row 2, column 'y': expected a finite number, found 'abc'/] },
  { id: 'FJ6', title: 'JSON null cell', argv: fit('null.json', '--form', 'power'), files: { 'null.json': '[{"x": 1, "y": 2}, {"x": 2, "y": null}, {"x": 3, "y": 1}]' }, stderr: [/null\.json: row 2, column 'y': .*empty cell/] },
  { id: 'FJ7', title: 'JSON missing key', argv: fit('miss.json', '--form', 'power'), files: { 'miss.json': '[{"x": 1, "y": 2}, {"x": 2}, {"x": 3, "y": 1}]' }, stderr: [/miss\.json: row 2, column 'y'/] },
  { id: 'FJ8', title: 'JSON boolean cell', argv: fit('bool.json', '--form', 'power'), files: { 'bool.json': '[{"x": 1, "y": 2}, {"x": true, "y": 1}, {"x": 3, "y": 1}]' }, stderr: [/bool\.json: row 2, column 'x': expected a finite number, found 'true'/] },
  { id: 'FJ9', title: 'JSON hex string', argv: fit('hex.json', '--form', 'power'), files: { 'hex.json': '{"rows": [{"x": 1, "y": 2}, {"x": "0x10", "y": 1}, {"x": 3, "y": 1}]}' }, stderr: [/hex\.json: row 2, column 'x': .*hexadecimal/] },
  // Flags.
  { id: 'FF1', title: 'unknown --form', argv: fit('good.csv', '--form', 'cubic'), files: { 'good.csv': GOOD }, stderr: [/unknown form 'cubic'/] },
  { id: 'FF2', title: '--form missing', argv: fit('good.csv'), files: { 'good.csv': GOOD }, stderr: [/--form is required/] },
  { id: 'FF3', title: 'bnsl with too many breaks', argv: fit('good.csv', '--form', 'bnsl-9'), files: { 'good.csv': GOOD }, stderr: [/bnsl expects 0 to 5 breaks, found 9/] },
  { id: 'FF4', title: 'unknown --unit-y', argv: fit('good.csv', '--form', 'power', '--unit-y', 'furlongs'), files: { 'good.csv': GOOD }, stderr: [/furlongs/] },
  { id: 'FF5', title: 'unknown --unit-x', argv: fit('good.csv', '--form', 'power', '--unit-x', 'bytes'), files: { 'good.csv': GOOD }, stderr: [/--unit-x expects one of .*found 'bytes'/] },
  { id: 'FF6', title: '--method is not a fit flag', argv: fit('good.csv', '--form', 'power', '--method', 'nls'), files: { 'good.csv': GOOD }, stderr: [/method/] },
  { id: 'FF7', title: '--loss is not a fit flag', argv: fit('good.csv', '--form', 'power', '--loss', 'huber'), files: { 'good.csv': GOOD }, stderr: [/loss/] },
  { id: 'FF8', title: '--predict is not a fit flag', argv: fit('good.csv', '--form', 'power', '--predict', '1e9'), files: { 'good.csv': GOOD }, stderr: [/predict/] },
  { id: 'FF9', title: '--compare with a form of other inputs', argv: fit('good.csv', '--form', 'power', '--compare', 'chinchilla'), files: { 'good.csv': GOOD }, stderr: [/--compare: form 'chinchilla' takes N and D/] },
  { id: 'FF10', title: '--compare with an unknown form', argv: fit('good.csv', '--form', 'power', '--compare', 'saturating,cubic'), files: { 'good.csv': GOOD }, stderr: [/unknown form 'cubic'/] },
  { id: 'FF11', title: 'joint form without --n', argv: fit('chin.csv', '--form', 'chinchilla', '--d', 'tokens', '--y', 'loss'), files: { 'chin.csv': CHIN }, stderr: [/form 'chinchilla' needs --n COL/] },
  { id: 'FF12', title: 'joint form without --d or --flops', argv: fit('chin.csv', '--form', 'kaplan-nd', '--n', 'Model Size', '--y', 'loss'), files: { 'chin.csv': CHIN }, stderr: [/form 'kaplan-nd' needs --d COL \(tokens\) or --flops COL/] },
  {
    id: 'FF13', title: '--compare with 5 points says it cannot tell (saturating AICc undefined)', argv: fit('good.csv', '--form', 'power', '--compare', 'saturating', '--json'), files: { 'good.csv': GOOD }, code: 0,
    stdout: [/"preferred": null/, /cannot tell: AICc is undefined for saturating/],
  },
  {
    id: 'BIG3', title: 'a 150,000-row table fits with progress and an ETA on stderr', argv: fit('big.csv', '--form', 'saturating', '--json'), isolate: 240_000, code: 0,
    files: { 'big.csv': `x,y\n${Array.from({ length: 150_000 }, (_, i) => { const x = 1e3 * 10 ** ((3 * i) / 150_000); return `${x.toPrecision(8)},${((1.5 + 40 * x ** -0.4) * Math.exp(0.01 * Math.sin(i))).toPrecision(8)}`; }).join('\n')}\n` },
    stderr: [/\[fit\] \d+\/\d+ steps .* eta /], stdout: [/"n_points": 150000/, /subsample of 150000 rows/],
  },
];

describe('bad input: fit', () => {
  for (const c of CASES) it(`${c.id} ${c.title}`, async () => { await runCase(c); }, c.isolate ? c.isolate + 10_000 : 30_000);
});
