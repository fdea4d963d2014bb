export { LawsError, LawsInputError } from './errors.js';
