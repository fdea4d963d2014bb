/**
 * What went wrong, for whoever handles the error: `input` means the caller's input (a file, a row, a field, an
 * option) is bad and the CLI exits with code 2; `failure` means the work itself failed (exit code 1).
 */
export type ErrorKind = 'input' | 'failure';

/**
 * Base of every error scalewise raises on purpose. Messages say what was expected and what was found.
 * Each package subclasses it (keeping its own class names); handlers look at `kind`, never at the class name.
 */
export class ScalewiseError extends Error {
  override name = 'ScalewiseError';
  readonly kind: ErrorKind = 'failure';
}

/** Bad input from the caller: the CLI maps it to exit code 2. */
export class InputError extends ScalewiseError {
  override name = 'InputError';
  override readonly kind: ErrorKind = 'input';
}

/**
 * The kind of any thrown value: a `ScalewiseError`'s own kind; `undefined` for everything else (a bug or an
 * error from outside scalewise, which callers treat as a failure). Checked structurally, so an error from a second
 * copy of this package (e.g. a bundled one) still counts.
 */
export function errorKind(error: unknown): ErrorKind | undefined {
  if (error instanceof ScalewiseError) return error.kind;
  if (error instanceof Error) {
    const kind = (error as { kind?: unknown }).kind;
    if (kind === 'input' || kind === 'failure') return kind;
  }
  return undefined;
}

/** True when `error` reports bad input (kind `input`). */
export function isInputError(error: unknown): boolean {
  return errorKind(error) === 'input';
}
