export { DataError, DataInputError } from './errors.js';
