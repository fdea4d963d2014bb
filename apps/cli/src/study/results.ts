import path from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '@scalewise/core/node';
import { formatCsv } from '@scalewise/report';
import type { StudyResults } from './report-input.js';

function csv(rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return '';
  const columns = Object.keys(rows[0]!).filter((k) => rows.every((r) => typeof r[k] !== 'object' || r[k] === null));
  return formatCsv(rows, columns);
}

/** Machine-readable results beside the report: one JSON per stage and CSV tables (atomic writes). */
export async function writeStudyResults(dir: string, r: StudyResults): Promise<string[]> {
  const files: [string, string | object][] = [
    [
      'original.json',
      {
        rows: r.original.rows,
        analysis: {
          ...r.original.analysis,
          fit: {
            ...r.original.analysis.fit,
            residuals: Array.from(r.original.analysis.fit.residuals),
            values: Array.from(r.original.analysis.fit.values),
          },
        },
      },
    ],
    ['original.csv', csv(r.original.rows)],
    ['ladder.json', { fits: r.ladder.fits, preferred: r.ladder.preferred, warnings: r.ladder.warnings, runs: r.ladder.runs }],
    ['ladder.csv', csv(r.ladder.runs.map(({ curve: _curve, budget: _budget, units: _units, ...rest }) => rest))],
    ['throughput.json', r.throughput],
    ['throughput.csv', csv(r.throughput as unknown as Record<string, unknown>[])],
    ['plan.json', r.plan],
    ...(r.isoflop ? [['isoflop.json', r.isoflop] as [string, object]] : []),
  ];
  const written: string[] = [];
  for (const [name, content] of files) {
    const file = path.join(dir, name);
    if (typeof content === 'string') await writeFileAtomic(file, content);
    else await writeJsonAtomic(file, content);
    written.push(file);
  }
  return written;
}
