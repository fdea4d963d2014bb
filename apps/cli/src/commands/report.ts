import { resolve } from 'node:path';
import { loadResultsDir, resultsReportInput, writeReport } from '@scalewise/report';
import { EXIT_OK, UsageError, parseFlags, printJson, type Command } from '../kit.js';

const HELP = `scalewise report — render an HTML report with figures from any results directory

Usage: scalewise report RESULTS_DIR [--out DIR] [--title TEXT] [--no-png] [--json]

Reads every *.csv, *.json and *.jsonl under RESULTS_DIR (three levels deep; hidden folders, figures/
and checkpoints/ skipped; config.json is shown as the configuration) and writes:
  DIR/report.html        self-contained page: tables, inline SVG figures, configuration
  DIR/figures/*.svg|png  every figure (PNG at 2x)
Figures are made from the columns present: a metric (val_loss, val_bpb, perplexity, loss,
final_train_loss) against a size column (params_non_embedding, params_total, num_params, params,
"Model Size") on log-log axes; loss curves when there is a step column; IsoFLOP curves when there is a
FLOPs column; throughput (tokens/s, ± sd) and memory (MB, bytes) against size.

Options:
  --out DIR      where to write (default: RESULTS_DIR itself)
  --title TEXT   report title (default: "Results: RESULTS_DIR" as given)
  --no-png       write SVG figures only
  --json         print one JSON object: report path, figures, tables, skipped files

Examples:
  scalewise report scalewise-out/2026-01-01T00-00-00
  scalewise report ./my-models --out ./my-report       # e.g. my-models/results.csv with params,loss
  scalewise report runs/ --json
`;

const command: Command = {
  summary: 'Render an HTML report with figures from a results directory',
  help: HELP,
  run: async (argv, io) => {
    const { values, positionals } = parseFlags(argv, {
      out: { type: 'string' },
      title: { type: 'string' },
      'no-png': { type: 'boolean' },
    });
    if (positionals.length !== 1) {
      throw new UsageError(`expected exactly one RESULTS_DIR, found ${positionals.length === 0 ? 'none' : positionals.join(' ')}; see 'scalewise report --help'`);
    }
    const dir = resolve(io.cwd, positionals[0] as string);
    const out = values.out !== undefined ? resolve(io.cwd, values.out) : dir;
    io.stderr(`[report] reading ${dir}\n`);
    const results = await loadResultsDir(dir);
    for (const s of results.skipped) io.stderr(`[report] skipped ${s.file}: ${s.reason}\n`);
    const input = resultsReportInput(results, { title: values.title ?? `Results: ${positionals[0] as string}` });
    io.stderr(`[report] rendering ${input.sections.reduce((n, s) => n + (s.figures?.length ?? 0), 0)} figures\n`);
    const written = await writeReport(out, input, { png: !values['no-png'] });
    if (values.json) {
      printJson(io, {
        report: written.html,
        figures: written.figures,
        tables: results.tables.map((t) => ({ source: t.source, rows: t.rows.length, columns: t.columns })),
        skipped: results.skipped,
      });
    } else {
      io.stdout(`Report: ${written.html}\n`);
      io.stdout(`Tables: ${results.tables.length} (${results.tables.map((t) => t.source).join(', ')})\n`);
      io.stdout(`Figures: ${written.figures.length}${written.figures.length > 0 ? ` in ${resolve(out, 'figures')}` : ''}\n`);
      for (const f of written.figures) io.stdout(`  ${f.name}\n`);
    }
    return EXIT_OK;
  },
};

export default command;
