/** The one mathjs instance of custom forms: only the parser and symbolic derivative (no evaluate, import or units). */
import { create, derivativeDependencies, parseDependencies, type FactoryFunctionMap, type MathJsInstance } from 'mathjs';

let instance: MathJsInstance | undefined;

/** Created on first use, so importing the package costs nothing until a formula is parsed. */
export function mathjs(): MathJsInstance {
  instance ??= create({ parseDependencies, derivativeDependencies } as FactoryFunctionMap);
  return instance;
}
