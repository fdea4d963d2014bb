// Pins the public surface: adding, removing or renaming an export fails here until the list is edited on purpose.
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/** Type-only names an entry file exports (not visible at runtime), read from its explicit export lists. */
function typeExports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(new URL(file, import.meta.url), 'utf8'), ts.ScriptTarget.Latest);
  const names: string[] = [];
  for (const statement of source.statements) {
    if (!ts.isExportDeclaration(statement)) continue;
    // `export *` would hide names from this list: entry files list every name.
    if (!statement.exportClause || !ts.isNamedExports(statement.exportClause)) throw new Error(`${file}: use named exports`);
    for (const element of statement.exportClause.elements) {
      if (statement.isTypeOnly || element.isTypeOnly) names.push(element.name.text);
    }
  }
  return names.sort();
}

const ENTRIES: Array<{ entry: string; file: string; load: () => Promise<object>; runtime: string[]; types: string[] }> = [
  {
    entry: '@scalewise/report',
    file: 'index.ts',
    load: () => import('./index.js'),
    runtime: [
      'ReportError',
      'ReportInputError',
      'diminishingReturnsSpec',
      'exampleReportInput',
      'formatCsv',
      'isoflopSpec',
      'loadResultsDir',
      'lossCurvesSpec',
      'memorySpec',
      'renderFigures',
      'renderReport',
      'renderSvg',
      'reportHtml',
      'residualsSpec',
      'resultsReportInput',
      'sampleCurve',
      'scalingFitSpec',
      'svgToPng',
      'throughputSpec',
      'writeReport',
    ],
    types: [
      'BarRow',
      'Cell',
      'CurvePoint',
      'DiminishingReturnsInput',
      'FigureOptions',
      'FitCurvePoint',
      'IsoflopInput',
      'IsoflopRow',
      'LoadedResults',
      'LossCurveRow',
      'LossCurvesInput',
      'MeasuredPoint',
      'MeasurementRecord',
      'MemoryInput',
      'MemoryRow',
      'PngOptions',
      'ReferenceCurve',
      'ReportFigure',
      'ReportInput',
      'ReportSection',
      'ReportTable',
      'ResidualPoint',
      'ResidualsInput',
      'ResultsReportOptions',
      'ScalingFitInput',
      'ThroughputInput',
      'ThroughputRow',
      'VegaLiteSpec',
      'WriteReportOptions',
      'WrittenReport',
    ],
  },
  {
    entry: '@scalewise/report/internals',
    file: 'internals.ts',
    load: () => import('./internals.js'),
    runtime: [
      'FONT_FAMILY',
      'MAX_TABLE_ROWS',
      'NOT_RECORDED',
      'PALETTE',
      'atomicWrite',
      'baseConfig',
      'csvCell',
      'dejaVuFontFiles',
      'describeFitSize',
      'describeMeasurement',
      'describeObjective',
      'escapeHtml',
      'figuresForTable',
      'flattenRecord',
      'formatCell',
      'isoflopOptima',
      'logSpace',
      'markdownToHtml',
      'measurementFromRows',
      'metricColumns',
      'parseCsv',
      'parseResultsFile',
      'parseValue',
      'powerFit',
      'prefixSvgIds',
      'svgSize',
      'tableHtml',
      'tablesFromJson',
    ],
    types: ['ParsedTable', 'PowerFitSummary', 'ResultsTable', 'TableAnalysis'],
  },
];

describe('@scalewise/report API', () => {
  for (const { entry, file, load, runtime, types } of ENTRIES) {
    it(`${entry} exports exactly the listed runtime names`, async () => {
      expect(Object.keys(await load()).sort()).toEqual(runtime);
    });
    it(`${entry} exports exactly the listed type names`, () => {
      expect(typeExports(file)).toEqual(types);
    });
  }
});
