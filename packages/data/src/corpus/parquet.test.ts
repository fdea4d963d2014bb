import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync } from 'hyparquet';
import { parquetWriteFile } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Document } from '../types.js';
import { loadCorpus } from './index.js';

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'scalewise-parquet-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function collect(it: AsyncIterable<Document>): Promise<Document[]> {
  const out: Document[] = [];
  for await (const d of it) out.push(d);
  return out;
}

describe('parquet corpus', () => {
  it('reads text, ids and metadata across row groups', async () => {
    const dir = join(root, 'ds');
    await mkdir(dir);
    const texts = Array.from({ length: 25 }, (_, i) => `row ${i} ünïcode ${'x'.repeat(i)}`);
    parquetWriteFile({
      filename: join(dir, 'train-00000.parquet'),
      columnData: [
        { name: 'text', data: texts, type: 'STRING' },
        { name: 'label', data: texts.map((_, i) => i % 3), type: 'INT32' },
        { name: 'key', data: texts.map((_, i) => `k${i}`), type: 'STRING' },
      ],
      rowGroupSize: 10,
    });
    const metadata = await parquetMetadataAsync(await asyncBufferFromFile(join(dir, 'train-00000.parquet')));
    expect(metadata.row_groups.length).toBe(3);
    const docs = await collect(await loadCorpus(dir));
    expect(docs.map((d) => d.text)).toEqual(texts);
    expect(docs[3]?.id).toBe('train-00000.parquet:3');
    const withIds = await collect(await loadCorpus({ kind: 'parquet', path: dir, idField: 'key', metaFields: ['label'] }));
    expect(withIds[4]).toEqual({ id: 'k4', text: texts[4], meta: { source: 'train-00000.parquet', label: '1' } });
  });

  it('names the file and the missing column', async () => {
    const path = join(root, 'other.parquet');
    parquetWriteFile({ filename: path, columnData: [{ name: 'content', data: ['a'], type: 'STRING' }] });
    await expect(collect(await loadCorpus(path))).rejects.toThrow(/other\.parquet: expected a column 'text', found content/);
    expect((await collect(await loadCorpus({ kind: 'parquet', path, textField: 'content' })))[0]?.text).toBe('a');
  });
});
