// '@scalewise/report/internals': building blocks under the public API (theme, SVG and HTML pieces, results parsing
// and analysis, text helpers). No stability promise: these may change in any minor release.

// Theme and curves
export { baseConfig, FONT_FAMILY, PALETTE } from './theme.js';
export { logSpace } from './specs/curves.js';
export { isoflopOptima } from './specs/training.js';

// SVG, PNG and HTML pieces
export { prefixSvgIds, svgSize } from './render/svg.js';
export { dejaVuFontFiles } from './render/png.js';
export { tableHtml } from './html/report.js';
export { markdownToHtml } from './html/markdown.js';
export { escapeHtml, formatCell } from './html/format.js';
export { atomicWrite } from './write.js';

// Results parsing, analysis and text
export { csvCell, parseCsv, parseValue, type ParsedTable } from './results/csv.js';
export { flattenRecord, parseResultsFile, tablesFromJson, type ResultsTable } from './results/load.js';
export { figuresForTable, metricColumns, type TableAnalysis } from './results/figures.js';
export { powerFit, type PowerFitSummary } from './results/fit.js';
export { MAX_TABLE_ROWS } from './results/build.js';
