import { ReportInputError } from './errors.js';
import type { VegaLiteSpec } from './specs/common.js';

/** A table cell: numbers are formatted for reading (thousands separators, 4 significant digits). */
export type Cell = string | number | boolean | null | undefined;

/** A table in the report. */
export interface ReportTable {
  title?: string;
  /** Column keys, in display order. */
  columns: string[];
  rows: Array<Record<string, Cell>>;
  /** Unit of each column, shown in the header: `loss` + `nats/token` → "loss (nats/token)". */
  units?: Record<string, string>;
  /** Significant digits for non-integer numbers (default 4). */
  digits?: number;
  caption?: string;
}

/** A figure: a Vega-Lite spec rendered to `figures/<name>.svg|png` and inlined in the page. */
export interface ReportFigure {
  /** File stem: letters, digits, '-' and '_' only; unique within the report. */
  name: string;
  spec: VegaLiteSpec;
  /** What the figure shows, printed under it. */
  caption?: string;
}

/** A section of the report: text, then tables, then figures. */
export interface ReportSection {
  title: string;
  /**
   * Markdown-ish prose: blank lines separate paragraphs, lines starting with "- " are bullets,
   * `**bold**`, `*italic*` and `` `code` `` are recognised; everything else is escaped.
   */
  text?: string;
  tables?: ReportTable[];
  figures?: ReportFigure[];
}

/**
 * Where and how measurements were taken. Producers fill what they recorded; the report prints every missing
 * field as "not recorded" rather than a guess (see `describeMeasurement`).
 */
export interface MeasurementRecord {
  /** e.g. "NVIDIA T4 GPU", "CPU (2 vCPU AVX-512)". */
  device?: string;
  /** e.g. "onnxruntime-node 1.30", "native". */
  backend?: string;
  /** e.g. "fp32", "int8". */
  dtype?: string;
  /** Intra-op threads (a string when several values were used, e.g. "1/2"). */
  threads?: number | string;
}

/** Everything a report shows. Generic: the study command and `scalewise report` both fill it. */
export interface ReportInput {
  title: string;
  /** One line under the title (e.g. the run id). */
  subtitle?: string;
  /** Short findings shown first, as bullets. */
  summary?: string[];
  sections: ReportSection[];
  /** The configuration that produced the results, printed as JSON. */
  config?: Record<string, unknown>;
  /** Package / runtime versions, printed as a table. */
  versions?: Record<string, string>;
  /** Where the measurements were taken; shown under the title when given ("not recorded" for missing fields). */
  measurement?: MeasurementRecord;
  /** Shown in the footer when given (left out by default so output is reproducible). */
  generatedAt?: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** All figures of a report in order, after checking names are valid file stems and unique. */
export function collectFigures(input: ReportInput): ReportFigure[] {
  if (typeof input.title !== 'string' || input.title.trim() === '') throw new ReportInputError('report: expected a non-empty title');
  if (!Array.isArray(input.sections))
    throw new ReportInputError(`report: expected sections to be an array, found ${typeof input.sections}`);
  const seen = new Set<string>();
  const out: ReportFigure[] = [];
  for (const section of input.sections) {
    for (const fig of section.figures ?? []) {
      if (!NAME.test(fig.name)) {
        throw new ReportInputError(
          `report: figure name '${fig.name}' in section '${section.title}' must match ${NAME} (it becomes a file name)`,
        );
      }
      if (seen.has(fig.name)) throw new ReportInputError(`report: figure name '${fig.name}' is used twice; names must be unique`);
      seen.add(fig.name);
      out.push(fig);
    }
    for (const table of section.tables ?? []) {
      for (const [i, row] of table.rows.entries()) {
        if (row === null || typeof row !== 'object')
          throw new ReportInputError(`report: table '${table.title ?? section.title}' row ${i} must be an object`);
      }
    }
  }
  return out;
}
