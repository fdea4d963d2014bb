/**
 * Report text made from recorded results: sample sizes, degrees of freedom, the fit objective and where a
 * measurement was taken. A field the producer did not record prints as "not recorded", never a guessed value.
 */
import type { MeasurementRecord } from '../types.js';

export const NOT_RECORDED = 'not recorded';

const known = (v: string | number | undefined | null): v is string | number =>
  v !== undefined && v !== null && !(typeof v === 'number' && !Number.isFinite(v)) && String(v).trim() !== '';

/** "4 models, 2 dof" from a fit's point count and residual degrees of freedom. */
export function describeFitSize(n: number | undefined, dof: number | undefined, unit = 'models'): string {
  const size = known(n) ? `${n} ${n === 1 ? unit.replace(/s$/, '') : unit}` : `${unit}: ${NOT_RECORDED}`;
  return `${size}, ${known(dof) ? `${dof} dof` : `dof ${NOT_RECORDED}`}`;
}

/** The minimised objective as the fit recorded it (e.g. "sum Huber(δ=0.001) of log residuals"). */
export function describeObjective(fit: { objectiveName?: string | undefined } | null | undefined): string {
  return known(fit?.objectiveName) ? fit.objectiveName : `objective ${NOT_RECORDED}`;
}

/**
 * Where and how a measurement was taken, e.g. "NVIDIA T4 GPU, fp16" or "CPU, onnxruntime, fp32, 2 threads";
 * each missing field is named as not recorded.
 */
export function describeMeasurement(m: MeasurementRecord | null | undefined): string {
  const parts = [
    known(m?.device) ? String(m.device) : `device ${NOT_RECORDED}`,
    ...(known(m?.backend) ? [String(m.backend)] : []),
    known(m?.dtype) ? String(m.dtype) : `dtype ${NOT_RECORDED}`,
    ...(known(m?.threads) ? [`${m.threads} thread${m.threads === 1 ? '' : 's'}`] : []),
  ];
  return parts.join(', ');
}

/**
 * The measurement conditions of a results table, read from its `device`, `backend`, `dtype` and `threads`
 * columns (distinct values joined by "/"); undefined fields when the table has no such column.
 */
export function measurementFromRows(rows: ReadonlyArray<Record<string, unknown>>): MeasurementRecord {
  const distinct = (key: string): string | undefined => {
    const values = [
      ...new Set(
        rows
          .map((r) => r[key])
          .filter((v) => known(v as string | number | undefined))
          .map(String),
      ),
    ];
    return values.length > 0 ? values.join('/') : undefined;
  };
  const out: MeasurementRecord = {};
  const device = distinct('device');
  const backend = distinct('backend');
  const dtype = distinct('dtype');
  const threads = distinct('threads');
  if (device !== undefined) out.device = device;
  if (backend !== undefined) out.backend = backend;
  if (dtype !== undefined) out.dtype = dtype;
  if (threads !== undefined) out.threads = threads;
  return out;
}
