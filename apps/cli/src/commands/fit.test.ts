import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasets, profileExponentCi } from '@scalewise/laws';
import { main } from '../main.js';
import { captureIO as captureCommandIO } from '../capture-io.test-helper.js';

const ROOT = resolve(import.meta.dirname, '../../../..');

const captureIO = (cwd = ROOT) => captureCommandIO(cwd);

const dir = mkdtempSync(join(tmpdir(), 'scalewise-fit-'));
const write = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
// Fixtures from the built-in datasets of @scalewise/laws, written as the CSVs a user would pass.
const MOBILE =
  ['model_name,num_params,perplexity', ...datasets.mobilellm.map((r) => `${r.model_name},${r.num_params},${r.perplexity}`)].join('\n') +
  '\n';
const CHINCHILLA =
  [
    'Model Size,Training FLOP,loss',
    ...datasets.chinchilla.N.map((n, i) => `${n},${datasets.chinchilla.C[i]},${datasets.chinchilla.loss[i]}`),
  ].join('\n') + '\n';

describe('scalewise fit', () => {
  it('--json prints one object with the contract fields (MobileLLM power fit)', async () => {
    const io = captureIO();
    const file = write('m.csv', MOBILE);
    expect(await main(['fit', file, '--form', 'power', '--x', 'num_params', '--y', 'perplexity', '--json'], io)).toBe(0);
    const out = JSON.parse(io.out);
    for (const key of ['form', 'n_points', 'params', 'objective', 'r2', 'ci', 'ci_level', 'method', 'warnings'])
      expect(out).toHaveProperty(key);
    expect(out.form).toBe('power');
    expect(out.n_points).toBe(4);
    expect(out.params.a).toBeCloseTo(1151.6, 0);
    expect(out.params.b).toBeCloseTo(-0.24571, 5);
    expect(out.r2).toBeCloseTo(0.9935, 5);
    expect(out.ci.b[0]).toBeLessThan(out.params.b);
    expect(out.ci.b[1]).toBeGreaterThan(out.params.b);
    expect(out.ci_level).toBe(0.95);
    expect(out.loss_space.b).toBeCloseTo(-0.111, 2);
    expect(Array.isArray(out.warnings)).toBe(true);
  });

  it('reads JSON rows and prints a table with units and CIs', async () => {
    const rows = MOBILE.trim()
      .split('\n')
      .slice(1)
      .map((l) => {
        const [, n, p] = l.split(',');
        return { num_params: Number(n), perplexity: Number(p) };
      });
    const io = captureIO();
    expect(
      await main(['fit', write('m.json', JSON.stringify(rows)), '--form', 'power', '--x', 'num_params', '--y', 'perplexity'], io),
    ).toBe(0);
    expect(io.out).toMatch(/y: perplexity \[perplexity\]/);
    expect(io.out).toMatch(/params \(total\)/);
    expect(io.out).toMatch(/b\s+-0\.24571\s+\[/);
    expect(io.out).not.toMatch(/NaN/);
  });

  it('reproduces the Chinchilla fit from the 245 runs with --flops and --drop-top 5', async () => {
    const file = write('svg_extracted_data.csv', CHINCHILLA);
    const io = captureIO();
    const code = await main(
      [
        'fit',
        file,
        '--form',
        'chinchilla',
        '--n',
        'Model Size',
        '--flops',
        'Training FLOP',
        '--y',
        'loss',
        '--drop-top',
        '5',
        '--bootstrap',
        '8',
        '--seed',
        '1',
        '--json',
      ],
      io,
    );
    expect(code).toBe(0);
    const out = JSON.parse(io.out);
    expect(out.n_points).toBe(240);
    expect(out.objective).toBeCloseTo(1.01827e-3, 7);
    expect(out.params.E).toBeCloseTo(1.817, 3);
    expect(out.params.alpha).toBeCloseTo(0.347, 3);
    expect(out.params.beta).toBeCloseTo(0.367, 3);
    expect(Object.keys(out.ci).sort()).toEqual(['A', 'B', 'E', 'alpha', 'beta']);
  });

  it('--profile adds profile-likelihood intervals: the closed-form F interval for power, robust LR for chinchilla', async () => {
    const io = captureIO();
    expect(
      await main(
        ['fit', write('mobile-profile.csv', MOBILE), '--form', 'power', '--x', 'num_params', '--y', 'perplexity', '--profile', '--json'],
        io,
      ),
    ).toBe(0);
    const out = JSON.parse(io.out);
    const closed = profileExponentCi(
      datasets.mobilellm.map((r) => r.num_params),
      datasets.mobilellm.map((r) => r.perplexity),
      0.95,
      'F',
    );
    expect(out.ci_profile.b[0]).toBeCloseTo(closed[0], 5);
    expect(out.ci_profile.b[1]).toBeCloseTo(closed[1], 5);
    expect(out.ci.b).toEqual(out.ci_profile.b);
    expect(out.ci_method).toMatch(/profile likelihood/);
    const file = write('chinchilla-profile.csv', CHINCHILLA);
    const io2 = captureIO();
    expect(
      await main(
        [
          'fit',
          file,
          '--form',
          'chinchilla',
          '--n',
          'Model Size',
          '--flops',
          'Training FLOP',
          '--y',
          'loss',
          '--drop-top',
          '5',
          '--bootstrap',
          '0',
          '--profile',
          '--json',
        ],
        io2,
      ),
    ).toBe(0);
    const chin = JSON.parse(io2.out);
    expect(chin.ci_profile_method).toMatch(/robust LR/);
    expect(Object.keys(chin.ci).sort()).toEqual(['A', 'B', 'E', 'alpha', 'beta']);
    for (const [name, [lo, hi]] of Object.entries(chin.ci as Record<string, [number, number]>)) {
      expect(lo).toBeLessThan(chin.params[name]);
      expect(hi).toBeGreaterThan(chin.params[name]);
    }
  });

  it('--compare fits more forms and applies the AICc rule (text and --json)', async () => {
    const x = [1e3, 2e3, 4e3, 8e3, 1.6e4, 3.2e4, 6.4e4, 1.28e5, 2.56e5, 5.12e5];
    const rows = x.map((v, i) => `${v},${((1.5 + 40 * v ** -0.4) * (1 + 0.002 * Math.sin(i * 1.7))).toPrecision(10)}`);
    const file = write('sat.csv', `x,y\n${rows.join('\n')}\n`);
    const io = captureIO();
    expect(await main(['fit', file, '--form', 'power', '--compare', 'saturating', '--json'], io)).toBe(0);
    const out = JSON.parse(io.out);
    expect(out.form).toBe('power');
    // Issue #15's contract: one row per form, the AICc rule's choice marked, the sentence beside it.
    expect(out.comparison.map((r: { form: string }) => r.form)).toEqual(['power', 'saturating']);
    for (const row of out.comparison)
      for (const key of ['form', 'k', 'aicc', 'bic', 'loo_error', 'extrapolation_error', 'preferred']) expect(row).toHaveProperty(key);
    expect(out.comparison.map((r: { preferred: boolean }) => r.preferred)).toEqual([false, true]);
    expect(out.comparison[1].delta_aicc).toBe(0);
    expect(out.comparison_reason).toMatch(/saturating has the lowest AICc/);
    const text = captureIO();
    expect(await main(['fit', file, '--form', 'power', '--compare', 'saturating'], text)).toBe(0);
    expect(text.out).toMatch(/^power\s+3\s+-?[\d.]+\s+[\d.]+\s/m);
    expect(text.out).toMatch(/^saturating\s+4\s+-?[\d.]+\s+0\.0+\s.*leave-one-out\s+← preferred$/m);
    expect(text.out).toMatch(/warning: AICc comparison: saturating has the lowest AICc/);
  });

  const bad: [string, string, string[], RegExp][] = [
    ['missing file', '', ['nope.csv', '--form', 'power'], /nope\.csv: cannot read the file \(no such file\)/],
    ['missing column', MOBILE, ['--form', 'power', '--x', 'params', '--y', 'perplexity'], /no column 'params'/],
    ['non-numeric', 'x,y\n1,2\n2,abc\n3,4\n', ['--form', 'power'], /row 2, column 'y': expected a finite number, found 'abc'/],
    ['NaN', 'x,y\n1,2\n2,NaN\n3,4\n', ['--form', 'power'], /row 2, column 'y'/],
    ['non-positive', 'x,y\n1,2\n0,3\n3,4\n', ['--form', 'power'], /row 2, column 'x': expected a positive number/],
    ['too few points', 'x,y\n1,2\n2,3\n', ['--form', 'saturating'], /3 parameters but only 2 points/],
    ['no spread', 'x,y\n5,2\n5,3\n5,4\n', ['--form', 'power'], /column 'x' has no spread/],
    ['unknown form', MOBILE, ['--form', 'cubic'], /unknown form 'cubic'/],
  ];
  for (const [name, text, args, message] of bad) {
    it(`bad input (${name}) exits 2 with one line naming the problem`, async () => {
      const io = captureIO();
      const file = text ? write(`${name.replace(/ /g, '_')}.csv`, text) : undefined;
      const argv = file ? ['fit', file, ...args] : ['fit', ...args];
      expect(await main(argv, io)).toBe(2);
      expect(io.err).toMatch(message);
      expect(io.err.trim().split('\n')).toHaveLength(1);
      expect(io.err).not.toMatch(/at .*\.ts/);
      if (file && name !== 'unknown form') expect(io.err).toContain(file);
      expect(io.out).toBe('');
    });
  }
});
