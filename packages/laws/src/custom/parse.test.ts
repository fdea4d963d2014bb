import { describe, expect, it } from 'vitest';
import { LawsInputError } from '../errors.js';
import { checkGradient, compileFormula } from './compile.js';
import { customForm } from './form.js';
import { parseFormula } from './parse.js';

/** The LawsInputError thrown by `fn` (the test fails if none, or another kind, is thrown). */
function inputError(fn: () => unknown): LawsInputError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(LawsInputError);
    return err as LawsInputError;
  }
  throw new Error('expected an input error');
}

describe('parseFormula: parameters and variables', () => {
  it('splits names into variables (x, N, D) and parameters, in order of appearance', () => {
    const p = parseFormula('L = E + A/(N^alpha) * (1 + (N/Nb)^(1/f))^(-c*f)');
    expect(p.response).toBe('L');
    expect(p.variables).toEqual(['N']);
    expect(p.params).toEqual(['E', 'A', 'alpha', 'Nb', 'f', 'c']);
  });

  it('declared variables replace the defaults', () => {
    const p = parseFormula('E + A*U^(-a)', ['U']);
    expect(p.variables).toEqual(['U']);
    expect(p.params).toEqual(['E', 'A', 'a']);
  });
});

describe('compileFormula', () => {
  it('closures (no new Function, for strict Content Security Policies) give the same values and gradients', () => {
    const formula = 'L = E + A/(N^alpha) * (1 + (N/Nb)^(1/f))^(-c*f) + log(N, 10)*sqrt(c)/cosh(f)';
    const parsed = parseFormula(formula);
    const generated = compileFormula(formula, parsed, { codegen: true });
    const closures = compileFormula(formula, parsed, { codegen: false });
    const [g1, g2] = [new Float64Array(6), new Float64Array(6)];
    for (const n of [1e6, 3e8, 1e10]) {
      const p = [1.7, 400, 0.34, 1e8, 0.5, 0.2];
      expect(closures.gradient(p, [n], g2)).toBeCloseTo(generated.gradient(p, [n], g1), 12);
      for (let j = 0; j < 6; j++) expect(g2[j]).toBeCloseTo(g1[j]!, 12);
      expect(g1.some((v) => v !== 0)).toBe(true);
    }
  });
});

describe('safety: every refusal is an input error naming the position', () => {
  const cases: [string, string, RegExp, number, string[]?][] = [
    ['import', 'a*N + import({}, {override: true})', /unknown function 'import'/, 7],
    ['createUnit', 'a * N + createUnit("foo")', /unknown function 'createUnit'/, 9],
    ['evaluate', 'evaluate("1+1") * N^a', /unknown function 'evaluate'/, 1],
    ['assignment', 'a=1', /assignment is not allowed/, 2],
    ['nested assignment', 'N * (a = 2)', /assignment is not allowed/, 8],
    ['function definition', 'f(x)=x', /function definitions are not allowed/, 5],
    ['unknown function', 'a*N + sin(N)', /unknown function 'sin'/, 7],
    ['no parameters', 'N^2 + D', /no parameters to fit/, 1],
    ['unbound variable', 'a*N + b*D', /variable 'D' has no column/, 9, ['N']],
    ['comparison', 'a*N > 1', /operator '>' is not allowed/, 5],
    ['property access', 'a.constructor + N', /property access is not allowed/, 2],
    ['matrix', '[a, 1] * N', /a matrix is not allowed/, 1],
    ['string', 'a*N + "x"', /'x' is not a number/, 8],
    ['syntax error', 'a*N +', /cannot parse/, 6],
    ['reserved name', 'a*N + constructor', /'constructor' is a reserved name/, 7],
    ['always-zero term', 'a*N^2 + b*(N - N)', /parameter 'b' has no effect/, 9],
  ];
  for (const [label, formula, message, position, variables] of cases) {
    it(label, () => {
      const err = inputError(() => customForm(formula, variables ? { variables } : {}));
      expect(err.message).toMatch(message);
      expect(err.message).toContain(`character ${position}:`);
    });
  }

  it('a gradient that disagrees with finite differences is refused, naming the parameter and its position', () => {
    const parsed = parseFormula('E + A*N^(-alpha)');
    const compiled = compileFormula('E + A*N^(-alpha)', parsed);
    // A wrong gradient for alpha (sign flipped) stands in for a non-differentiable point.
    const wrong = {
      ...compiled,
      gradient: (p: ArrayLike<number>, x: ArrayLike<number>, g: Float64Array) => {
        const y = compiled.gradient(p, x, g);
        g[2] = -g[2]!;
        return y;
      },
    };
    const err = inputError(() => checkGradient('E + A*N^(-alpha)', parsed, wrong, [[[1, 2, 0.5], [100]]]));
    expect(err.message).toMatch(/character 11: the derivative with respect to 'alpha' .* disagrees with finite differences/);
    expect(() => checkGradient('E + A*N^(-alpha)', parsed, compiled, [[[1, 2, 0.5], [100]]])).not.toThrow();
  });

  it('strong curvature at a check point is not mistaken for a wrong derivative', () => {
    // x = 1e6 makes e^(a·x) too curved for finite differences there; the exact derivative must not be refused.
    expect(customForm('e^(a*x)').params).toEqual(['e', 'a']);
  });

  it('a formula that is not finite at any check point is refused', () => {
    const err = inputError(() => customForm('N * sqrt(a^2) + b', { starts: ['a=0'] }));
    expect(err.message).toMatch(/not finite at any check point/);
  });
});
