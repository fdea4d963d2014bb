import { describe, expect, it } from 'vitest';
import { runCase, type BadCase } from './harness.js';

// `explore` (issue #15): FILE is checked, and --out protected, before the page is written.
const GOOD_CSV = 'params,loss\n1000000,3.2\n2000000,3.0\n4000000,2.9\n';
const NOTHING = ['explorer.html', 'out'];

const CASES: BadCase[] = [
  {
    id: 'X01',
    title: 'FILE that does not exist',
    argv: ['explore', 'nope.csv'],
    stderr: [/FILE nope\.csv: cannot read it \(no such file\)/],
    absent: NOTHING,
  },
  {
    id: 'X02',
    title: 'FILE that is a folder',
    argv: ['explore', 'data', '--out', 'out'],
    files: { data: { dir: {} } },
    stderr: [/FILE data is a folder/],
    absent: NOTHING,
  },
  {
    id: 'X03',
    title: 'two FILEs',
    argv: ['explore', 'a.csv', 'b.csv'],
    stderr: [/expected at most one FILE, found a\.csv b\.csv/],
    absent: NOTHING,
  },
  {
    id: 'X04',
    title: 'an empty FILE argument',
    argv: ['explore', ''],
    stderr: [/expected a FILE, found an empty argument/],
    absent: NOTHING,
  },
  {
    id: 'X05',
    title: 'a CSV row with a missing field',
    argv: ['explore', 'runs.csv', '--out', 'out'],
    files: { 'runs.csv': 'params,loss\n1000000,3.2\n2000000\n' },
    stderr: [/runs\.csv.*row 2/],
    absent: NOTHING,
  },
  {
    id: 'X06',
    title: 'a table with one numeric column',
    argv: ['explore', 'runs.csv', '--out', 'out'],
    files: { 'runs.csv': 'model,loss\nsmall,3.2\nbig,3.0\n' },
    stderr: [/runs\.csv: needs at least two numeric columns .*numeric: loss/],
    absent: NOTHING,
  },
  {
    id: 'X07',
    title: 'a header-only CSV',
    argv: ['explore', 'runs.csv', '--out', 'out'],
    files: { 'runs.csv': 'params,loss\n' },
    stderr: [/runs\.csv: no data rows/],
    absent: NOTHING,
  },
  {
    id: 'X08',
    title: 'JSON that is not an array of rows',
    argv: ['explore', 'runs.json', '--out', 'out'],
    files: { 'runs.json': '{"params": 1}' },
    stderr: [/runs\.json: expected a JSON array of row objects/],
    absent: NOTHING,
  },
  {
    id: 'X09',
    title: 'a JSON row with a nested object',
    argv: ['explore', 'runs.json', '--out', 'out'],
    files: { 'runs.json': '[{"params": 1, "loss": 3}, {"params": {"n": 2}, "loss": 2}]' },
    stderr: [/runs\.json: row 2, field 'params': expected a number or a string, found object/],
    absent: NOTHING,
  },
  {
    id: 'X10',
    title: 'a binary FILE',
    argv: ['explore', 'runs.bin', '--out', 'out'],
    files: { 'runs.bin': new Uint8Array([0x70, 0x2c, 0x6c, 0x0a, 0x00, 0x01, 0x02]) },
    stderr: [/runs\.bin: not a text table \(the file contains NUL bytes/],
    absent: NOTHING,
  },
  {
    id: 'X11',
    title: 'a FILE that is not UTF-8',
    argv: ['explore', 'runs.csv', '--out', 'out'],
    files: { 'runs.csv': new Uint8Array([0x70, 0x2c, 0x6c, 0x0a, 0xff, 0xfe, 0x2c, 0x31, 0x0a]) },
    stderr: [/FILE runs\.csv: not UTF-8 text/],
    absent: NOTHING,
  },
  {
    id: 'X12',
    title: '--out a file the user made',
    argv: ['explore', 'runs.csv', '--out', 'victim.txt'],
    files: { 'runs.csv': GOOD_CSV, 'victim.txt': 'keep me\n' },
    stderr: [/--out .*victim\.txt is a file; expected a folder/],
    absent: ['explorer.html'],
  },
  {
    id: 'X13',
    title: "--out a folder whose explorer.html is the user's",
    argv: ['explore', 'runs.csv', '--out', 'site'],
    files: { 'runs.csv': GOOD_CSV, site: { dir: { 'explorer.html': '<h1>my own explorer</h1>' } } },
    stderr: [/explorer\.html exists and was not written by scalewise; refusing to overwrite it/],
  },
  {
    id: 'X14',
    title: '--out a dangling link',
    argv: ['explore', '--out', 'dangling'],
    files: { dangling: { symlink: 'gone' } },
    stderr: [/--out .*dangling is not a folder/],
  },
  {
    id: 'X15',
    title: '--out under a file',
    argv: ['explore', '--out', 'victim.txt/page'],
    files: { 'victim.txt': 'x' },
    stderr: [/victim\.txt is not a folder/],
  },
  {
    id: 'X16',
    title: 'an empty --out',
    argv: ['explore', '--out', ''],
    stderr: [/--out expects a folder, found an empty value/],
    absent: NOTHING,
  },
  { id: 'X17', title: 'an unknown flag', argv: ['explore', '--bogus'], stderr: [/bogus/], absent: NOTHING },
];

describe('bad input: explore', () => {
  it('case ids are unique', () => expect(new Set(CASES.map((c) => c.id)).size).toBe(CASES.length));
  for (const c of CASES)
    it(`${c.id} ${c.title}`, async () => {
      await runCase(c);
    }, 60_000);
});
