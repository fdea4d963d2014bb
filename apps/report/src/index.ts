/**
 * @scalewise/report — Vega-Lite figure specs for scaling studies (pure functions returning plain JSON),
 * headless rendering to SVG and PNG, and a self-contained HTML report.
 */
export { ReportError, ReportInputError } from './errors.js';
export { FONT_FAMILY, PALETTE, baseConfig } from './theme.js';
export type { VegaLiteSpec, FigureOptions } from './specs/common.js';
export { logSpace, sampleCurve, type CurvePoint } from './specs/curves.js';
export {
  scalingFitSpec,
  residualsSpec,
  type MeasuredPoint,
  type FitCurvePoint,
  type ReferenceCurve,
  type ScalingFitInput,
  type ResidualPoint,
  type ResidualsInput,
} from './specs/scaling.js';
export { diminishingReturnsSpec, type BarRow, type DiminishingReturnsInput } from './specs/bars.js';
export { lossCurvesSpec, isoflopSpec, isoflopOptima, type LossCurveRow, type LossCurvesInput, type IsoflopRow, type IsoflopInput } from './specs/training.js';
export { throughputSpec, memorySpec, type ThroughputRow, type ThroughputInput, type MemoryRow, type MemoryInput } from './specs/hardware.js';
export { renderSvg, prefixSvgIds, svgSize } from './render/svg.js';
export { svgToPng, dejaVuFontFiles, type PngOptions } from './render/png.js';
export type { Cell, ReportTable, ReportFigure, ReportSection, ReportInput, MeasurementRecord } from './types.js';
export { reportHtml, tableHtml } from './html/report.js';
export { markdownToHtml } from './html/markdown.js';
export { formatCell, escapeHtml } from './html/format.js';
export { renderFigures, renderReport, writeReport, atomicWrite, type WriteReportOptions, type WrittenReport } from './write.js';
export { exampleReportInput } from './example.js';
export { parseCsv, parseValue, type ParsedTable } from './results/csv.js';
export { loadResultsDir, parseResultsFile, tablesFromJson, flattenRecord, type ResultsTable, type LoadedResults } from './results/load.js';
export { figuresForTable, metricColumns, type TableAnalysis } from './results/figures.js';
export { powerFit, type PowerFitSummary } from './results/fit.js';
export { resultsReportInput, MAX_TABLE_ROWS, type ResultsReportOptions } from './results/build.js';
export { describeFitSize, describeObjective, describeMeasurement, measurementFromRows, NOT_RECORDED } from './results/describe.js';
// Family comparison figure (issue #13)
export { familyComparisonSpec, type FamilyComparisonInput, type FamilyPoint } from './specs/families.js';
