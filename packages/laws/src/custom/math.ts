/** The one mathjs instance of custom forms: only the parser and symbolic derivative (no evaluate, import or units). */
import { create, derivativeDependencies, parseDependencies, type FactoryFunctionMap } from 'mathjs';

export const math = create({ parseDependencies, derivativeDependencies } as FactoryFunctionMap);
