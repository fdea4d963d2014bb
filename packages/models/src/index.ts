export { ModelsError, ModelsInputError } from './errors.js';
