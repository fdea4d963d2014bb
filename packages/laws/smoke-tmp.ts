import { benchPredictCoverage } from './bench/predict.ts';
const time = <T>(fn: () => T): [T, number] => { const t = performance.now(); const r = fn(); return [r, (performance.now() - t) / 1000]; };
benchPredictCoverage(time, console.log, 0.3);
