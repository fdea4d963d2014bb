/**
 * @scalewise/report — Vega-Lite figure specs for scaling studies (pure functions returning plain JSON),
 * headless rendering to SVG and PNG, and a self-contained HTML report.
 * Theme, HTML pieces, results parsing and text helpers are under '@scalewise/report/internals'.
 */

// Errors
export { ReportError, ReportInputError } from './errors.js';

// Figure specs
export type { FigureOptions, VegaLiteSpec } from './specs/common.js';
export { sampleCurve, type CurvePoint } from './specs/curves.js';
export {
  residualsSpec,
  scalingFitSpec,
  type FitCurvePoint,
  type MeasuredPoint,
  type ReferenceCurve,
  type ResidualPoint,
  type ResidualsInput,
  type ScalingFitInput,
} from './specs/scaling.js';
export { diminishingReturnsSpec, type BarRow, type DiminishingReturnsInput } from './specs/bars.js';
export {
  isoflopSpec,
  lossCurvesSpec,
  type IsoflopInput,
  type IsoflopRow,
  type LossCurveRow,
  type LossCurvesInput,
} from './specs/training.js';
export {
  memorySpec,
  throughputSpec,
  type MemoryInput,
  type MemoryRow,
  type ThroughputInput,
  type ThroughputRow,
} from './specs/hardware.js';

// Rendering
export { renderSvg } from './render/svg.js';
export { svgToPng, type PngOptions } from './render/png.js';

// The report: input, HTML, files
export type { Cell, MeasurementRecord, ReportFigure, ReportInput, ReportSection, ReportTable } from './types.js';
export { reportHtml } from './html/report.js';
export { renderFigures, renderReport, writeReport, type WriteReportOptions, type WrittenReport } from './write.js';
export { exampleReportInput } from './example.js';

// Reports from results folders
export { loadResultsDir, type LoadedResults } from './results/load.js';
export { resultsReportInput, type ResultsReportOptions } from './results/build.js';
export { formatCsv } from './results/csv.js';
export { describeFitSize, describeMeasurement, describeObjective, measurementFromRows, NOT_RECORDED } from './results/describe.js';

// Family comparison figure (issue #13)
export { familyComparisonSpec, type FamilyComparisonInput, type FamilyPoint } from './specs/families.js';

// Offline fit explorer: one self-contained HTML page (issue #15)
export {
  EXPLORER_FILE,
  explorerHtml,
  isExplorerPage,
  MAX_EXPLORER_TABLE_CHARS,
  writeExplorer,
  type ExplorerOptions,
  type WrittenExplorer,
} from './explorer/write.js';
