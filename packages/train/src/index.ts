export { TrainError, TrainInputError } from './errors.js';
