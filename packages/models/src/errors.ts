/** Any failure raised by @scalewise/models. Messages say what was expected and what was found. */
export class ModelsError extends Error {
  override name = 'ModelsError';
}

/** Bad input from the caller (a file, a row, a field, an option): the CLI maps it to exit code 2. */
export class ModelsInputError extends ModelsError {
  override name = 'ModelsInputError';
}
