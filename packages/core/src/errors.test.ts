import { describe, expect, it } from 'vitest';
import { InputError, ScalewiseError, errorKind, isInputError } from './errors.js';

class PackageError extends ScalewiseError {
  override name = 'PackageError';
}
class PackageInputError extends PackageError {
  override name = 'PackageInputError';
  override readonly kind = 'input' as const;
}

describe('errors', () => {
  it('carries a kind: failure by default, input for InputError', () => {
    const failure = new ScalewiseError('disk full');
    const input = new InputError('bad row', { cause: 'x' });
    expect(failure).toBeInstanceOf(Error);
    expect(failure.kind).toBe('failure');
    expect(input.kind).toBe('input');
    expect(input).toBeInstanceOf(ScalewiseError);
    expect(input.name).toBe('InputError');
    expect(input.cause).toBe('x');
  });

  it('lets packages keep their class names and set the kind', () => {
    const e = new PackageInputError('bad');
    expect(e.name).toBe('PackageInputError');
    expect(e).toBeInstanceOf(PackageError);
    expect(errorKind(e)).toBe('input');
    expect(errorKind(new PackageError('broke'))).toBe('failure');
    expect(isInputError(e)).toBe(true);
    expect(isInputError(new PackageError('broke'))).toBe(false);
  });

  it('reads the kind structurally and ignores errors without one', () => {
    const foreign = Object.assign(new Error('from another copy'), { kind: 'input' });
    expect(errorKind(foreign)).toBe('input');
    expect(errorKind(Object.assign(new Error('odd'), { kind: 'banana' }))).toBeUndefined();
    expect(errorKind(new TypeError('bug'))).toBeUndefined();
    expect(errorKind('a string')).toBeUndefined();
    expect(errorKind({ kind: 'input' })).toBeUndefined();
  });
});
