import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LawsInputError } from '@scalewise/laws';
import { ReportError } from '../errors.js';
import { bundleEntry, explorerBundles } from './bundle.js';
import { explorerHtml } from './write.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scalewise-explorer-bundle-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('explorer bundles', () => {
  it('fails the build when a Node built-in reaches a browser bundle, naming it', async () => {
    const entry = join(dir, 'uses-fs.ts');
    await writeFile(entry, "import { readFileSync } from 'node:fs';\nconsole.log(readFileSync);\n");
    await expect(bundleEntry(entry)).rejects.toThrow(ReportError);
    await expect(bundleEntry(entry)).rejects.toThrow(/node:fs/);
  });

  it('bundles the page (Vega, Vega-Lite) and the worker (laws, mathjs) without Node built-ins', async () => {
    const { page, worker } = await explorerBundles();
    expect(worker).toContain('varpro');
    expect(page).toContain('vega');
    // Sizes for the record (issue #15 asks for the page's size).
    console.log(`[explorer] page script ${(page.length / 1e3).toFixed(0)} kB, worker script ${(worker.length / 1e3).toFixed(0)} kB`);
  }, 60_000);

  it('embeds the initial table so that no text in it can end a script element', async () => {
    const text = 'x,y\n1,2\n3,4\n</script><script>alert(1)</script>,5\n';
    await expect(explorerHtml({ data: { name: 'evil.csv', text } })).rejects.toThrow(LawsInputError);
    const good = 'x,y,note\n1,2,"</script><!--"\n3,4,ok\n';
    const html = await explorerHtml({ data: { name: 'notes.csv', text: good } });
    // Exactly the page's own three script elements close; the note's text is escaped inside the JSON.
    expect(html.match(/<\/script/gi)).toHaveLength(3);
    const json = /<script type="application\/json" id="initial-data">(.*?)<\/script>/s.exec(html)![1]!;
    expect(JSON.parse(json)).toEqual({ name: 'notes.csv', text: good });
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none';`);
  }, 60_000);
});
