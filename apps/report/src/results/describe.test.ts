import { datasets } from '@scalewise/laws';
import { describe, expect, it } from 'vitest';
import { exampleReportInput } from '../example.js';
import { reportHtml } from '../html/report.js';
import { describeFitSize, describeMeasurement, describeObjective, measurementFromRows } from './describe.js';
import { figuresForTable } from './figures.js';

describe('report text from recorded results', () => {
  it('sizes and dof come from the fit; missing ones say "not recorded"', () => {
    expect(describeFitSize(4, 2)).toBe('4 models, 2 dof');
    expect(describeFitSize(7, 5, 'points')).toBe('7 points, 5 dof');
    expect(describeFitSize(undefined, Number.NaN)).toBe('models: not recorded, dof not recorded');
  });

  it('the objective is the one the fit recorded', () => {
    expect(describeObjective({ objectiveName: 'sum Huber(δ=0.01) of log residuals' })).toBe('sum Huber(δ=0.01) of log residuals');
    expect(describeObjective({})).toBe('objective not recorded');
  });

  it('hardware fields are printed as recorded, never guessed', () => {
    expect(describeMeasurement({ device: 'CPU', backend: 'onnxruntime', dtype: 'int8', threads: 1 })).toBe(
      'CPU, onnxruntime, int8, 1 thread',
    );
    expect(describeMeasurement(undefined)).toBe('device not recorded, dtype not recorded');
    expect(
      measurementFromRows([
        { backend: 'native', dtype: 'fp32', threads: 2 },
        { backend: 'onnxruntime', dtype: 'fp32', threads: 2 },
      ]),
    ).toEqual({ backend: 'native/onnxruntime', dtype: 'fp32', threads: '2' });
  });

  it('a results table shows the dtype and backend of its own rows, or says they were not recorded', () => {
    const rows = [1e6, 4e6, 1.6e7].map((params, i) => ({
      params,
      loss: 4 - i / 2,
      tokens_per_second: 900 / (i + 1),
      dtype: 'int8',
      backend: 'onnxruntime',
    }));
    const table = { source: 'bench.csv', columns: Object.keys(rows[0]!), rows };
    const { figures, fits } = figuresForTable(table, 'b');
    expect(figures.find((f) => f.name === 'b-throughput')?.caption).toMatch(/measured on: device not recorded, onnxruntime, int8;/);
    expect(fits[0]).toMatchObject({ n: 3, dof: 1 });
    expect(JSON.stringify(figures[0]?.spec)).toMatch(/\(3 points, 1 dof\)/);
    const bare = {
      source: 'b2.csv',
      columns: ['params', 'tokens_per_second'],
      rows: rows.map(({ params, tokens_per_second }) => ({ params, tokens_per_second })),
    };
    expect(figuresForTable(bare, 'c').figures[0]?.caption).toMatch(/measured on: device not recorded, dtype not recorded;/);
  });

  it('the example report quotes the MobileLLM conditions and fit size from the data, and prints "Measured on"', () => {
    const input = exampleReportInput();
    const { device, dtype } = datasets.mobilellmConditions;
    expect(input.summary?.[0]).toContain(`(${datasets.mobilellm.length} models, ${datasets.mobilellm.length - 2} dof;`);
    expect(input.sections[0]?.tables?.[0]?.units?.['tokens/s']).toBe(`${device}, ${dtype}`);
    const html = reportHtml({ ...input, sections: [] }, new Map());
    expect(html).toContain(`Measured on: ${device}, ${dtype}</p>`);
    expect(reportHtml({ ...input, sections: [], measurement: { device: 'CPU' } }, new Map())).toContain(
      'Measured on: CPU, dtype not recorded</p>',
    );
  });
});
