export { EvalError, EvalInputError } from './errors.js';
