import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteFile } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { loadTask } from './read.js';

describe('parquet task files', () => {
  it('reads the same ARC items from parquet as from JSONL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scalewise-task-'));
    const rows = [
      { id: 'q1', question: 'Which is a planet?', choices: { text: ['Mars', 'Moon'], label: ['A', 'B'] }, answerKey: 'A' },
      { id: 'q2', question: 'Water boils at?', choices: { text: ['50 C', '100 C', '10 C'], label: ['A', 'B', 'C'] }, answerKey: 'B' },
    ];
    writeFileSync(join(dir, 'arc.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
    parquetWriteFile({
      filename: join(dir, 'arc.parquet'),
      columnData: [
        { name: 'id', data: rows.map((r) => r.id), type: 'STRING' },
        { name: 'question', data: rows.map((r) => r.question), type: 'STRING' },
        { name: 'choices', data: rows.map((r) => r.choices), type: 'JSON' },
        { name: 'answerKey', data: rows.map((r) => r.answerKey), type: 'STRING' },
      ],
    });
    const fromJsonl = await loadTask(`arc_easy=${join(dir, 'arc.jsonl')}`);
    const fromParquet = await loadTask(`arc_easy=${join(dir, 'arc.parquet')}`);
    expect(fromParquet.items).toEqual(fromJsonl.items);
    expect(fromParquet.items[1]?.gold).toBe(1);
  });

  it('names the file when it is not parquet', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scalewise-task-'));
    writeFileSync(join(dir, 'bad.parquet'), 'not parquet at all');
    await expect(loadTask(join(dir, 'bad.parquet'))).rejects.toThrow(/bad\.parquet' is not readable parquet/);
  });
});
