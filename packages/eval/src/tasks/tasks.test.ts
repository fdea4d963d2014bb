import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { functionModel } from '../backends/function.js';
import { randomTable } from '../testing/models.js';
import { ADAPTERS, hellaswagPreprocess } from './adapters.js';
import { encodePair, evaluateTask, lmEvalResults } from './evaluate.js';
import { loadTask } from './read.js';
import { byteTokenizer } from './tokenizer.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');
const V = 256;
const table = randomTable(V, 17, 4);
const tok = byteTokenizer();

// A byte-level bigram model: its log-likelihoods are computable by hand.
const lm = functionModel(
  V,
  (ids) => {
    const out = new Float32Array(ids.length * V);
    ids.forEach((id, t) => out.set(table.subarray(id * V, id * V + V), t * V));
    return out;
  },
  { bosTokenId: 0 },
);

function bigramLL(context: string, continuation: string): number {
  const ctx = Array.from(Buffer.from(context));
  const cont = Array.from(Buffer.from(continuation));
  let prev = ctx.length > 0 ? (ctx.at(-1) as number) : 0;
  let ll = 0;
  for (const c of cont) {
    const row = Array.from(table.subarray(prev * V, prev * V + V));
    const m = Math.max(...row);
    ll += (row[c] as number) - m - Math.log(row.reduce((s, x) => s + Math.exp(x - m), 0));
    prev = c;
  }
  return ll;
}

describe('zero-shot multiple choice', () => {
  it('scores " " + choice log-likelihoods exactly and derives acc, acc_norm and stderr = sd/√n', async () => {
    const task = await loadTask(join(FIXTURES, 'tiny-task.jsonl'));
    expect(task.name).toBe('tiny-task');
    const r = await evaluateTask(lm, tok, task, { batchSize: 3 });
    expect(r.n).toBe(8);
    const rows = (await import('node:fs'))
      .readFileSync(join(FIXTURES, 'tiny-task.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { context: string | string[]; choices: string[]; gold: number; continuation?: string });
    let correct = 0;
    let correctNorm = 0;
    rows.forEach((row, i) => {
      const expected = Array.isArray(row.context)
        ? row.context.map((c) => bigramLL(c, ` ${row.continuation}`))
        : // lm-eval moves the context's trailing whitespace onto the continuation, so it is scored too.
          row.choices.map((c) => {
            const ctx = (row.context as string).trimEnd();
            return bigramLL(ctx, `${(row.context as string).slice(ctx.length)} ${c}`);
          });
      const sample = r.samples[i];
      expected.forEach((e, c) => expect(sample?.loglikelihoods[c]).toBeCloseTo(e, 9));
      const best = expected.indexOf(Math.max(...expected));
      const lens = Array.isArray(row.context) ? row.context.map(() => (row.continuation ?? '').length) : row.choices.map((c) => c.length);
      const normed = expected.map((e, c) => e / (lens[c] as number));
      correct += Number(best === row.gold);
      correctNorm += Number(normed.indexOf(Math.max(...normed)) === row.gold);
    });
    const p = correct / 8;
    expect(r.acc).toBe(p);
    expect(r.acc_norm).toBe(correctNorm / 8);
    expect(r.acc_stderr).toBeCloseTo(Math.sqrt((p * (1 - p) * 8) / 7) / Math.sqrt(8), 12);
  });

  it('writes lm-eval shaped results', async () => {
    const task = await loadTask(`arc_easy=${join(FIXTURES, 'arc-mini.jsonl')}`);
    const r = await evaluateTask(lm, tok, task);
    const json = lmEvalResults([r], lm) as {
      results: Record<string, Record<string, number>>;
      versions: Record<string, number>;
      'n-samples': Record<string, { original: number; effective: number }>;
      config: Record<string, unknown>;
    };
    expect(Object.keys(json.results.arc_easy ?? {})).toEqual([
      'alias',
      'acc,none',
      'acc_stderr,none',
      'acc_norm,none',
      'acc_norm_stderr,none',
    ]);
    expect(json['n-samples'].arc_easy).toEqual({ original: 2, effective: 2 });
    expect(json.versions.arc_easy).toBe(1);
    expect(json.config.model).toBe('function');
  });

  it('builds the lm-eval prompts of each built-in format', () => {
    const w = 'r';
    expect(
      ADAPTERS.arc_easy?.toItem({ question: 'Q?', choices: { text: ['x', 'y'], label: ['A', 'B'] }, answerKey: 'B' }, 0, w),
    ).toMatchObject({
      requests: [
        { context: 'Question: Q?\nAnswer:', continuation: ' x' },
        { context: 'Question: Q?\nAnswer:', continuation: ' y' },
      ],
      gold: 1,
      choiceLengths: [1, 1],
    });
    expect(ADAPTERS.piqa?.toItem({ goal: 'G', sol1: 'a', sol2: 'bc', label: 1 }, 0, w)).toMatchObject({
      requests: [{ context: 'Question: G\nAnswer:' }, {}],
      gold: 1,
    });
    const hs = ADAPTERS.hellaswag?.toItem(
      {
        activity_label: 'Making tea',
        ctx_a: 'A man boils water.',
        ctx_b: 'THEN he',
        endings: ['pours it [step] out.', 'drinks  it.'],
        label: '0',
      },
      0,
      w,
    );
    expect(hs?.requests[0]).toEqual({
      context: 'Making tea: A man boils water. Then he',
      continuation: ' pours it  out.'.replace('  ', ' '),
    });
    expect(hs?.requests[1]?.continuation).toBe(' drinks it.');
    expect(hellaswagPreprocess('[header] How to brew [title] Boil water.')).toBe(' How to brew. Boil water.');
    expect(
      ADAPTERS.winogrande?.toItem(
        { sentence: 'Sarah helped Maria because _ was kind.', option1: 'Sarah', option2: 'Maria', answer: '2' },
        0,
        w,
      ),
    ).toEqual({
      id: '0',
      gold: 1,
      choiceLengths: [9, 9],
      requests: [
        { context: 'Sarah helped Maria because Sarah', continuation: ' was kind.' },
        { context: 'Sarah helped Maria because Maria', continuation: ' was kind.' },
      ],
    });
    expect(ADAPTERS.boolq?.toItem({ passage: 'P', question: 'is it', label: 1 }, 0, w)).toMatchObject({
      requests: [{ context: 'P\nQuestion: is it?\nAnswer:', continuation: ' no' }, { continuation: ' yes' }],
      gold: 1,
    });
    expect(ADAPTERS.boolq?.toItem({ passage: 'P', question: 'q', answer: false }, 0, w).gold).toBe(0);
    expect(
      ADAPTERS.openbookqa?.toItem({ question_stem: 'Stem', choices: { text: ['a', 'b'], label: ['A', 'B'] }, answerKey: ' A' }, 0, w),
    ).toMatchObject({ requests: [{ context: 'Stem' }, {}], gold: 0 });
    expect(
      ADAPTERS.social_iqa?.toItem({ context: 'C.', question: 'Why?', answerA: 'a', answerB: 'b', answerC: 'c', label: '3' }, 0, w),
    ).toMatchObject({ requests: [{ context: 'Q: C. Why?\nA:' }, {}, {}], gold: 2 });
  });

  it('moves trailing context spaces to the continuation (lm-eval _encode_pair)', () => {
    const words = { encode: (t: string) => t.split(/(?= )/).map((w) => w.length * 10 + (w.startsWith(' ') ? 1 : 0)) };
    expect(encodePair(words, { context: 'the capital of ', continuation: 'France' })).toEqual({
      context: words.encode('the capital of'),
      continuation: [71],
    });
  });

  it('refuses bad rows naming the file, row and field', async () => {
    expect(() => ADAPTERS.generic?.toItem({ context: 'c', choices: ['a', 'b'], gold: 2 }, 0, "task file 'x' row 3")).toThrow(
      "task file 'x' row 3: field 'gold' must be a choice index in [0, 2), found 2",
    );
    await expect(loadTask('nosuch=foo.jsonl')).rejects.toThrow(/unknown format 'nosuch'/);
    // An empty choice has log-likelihood 0 and would always win: refused, naming the entry.
    expect(() => ADAPTERS.generic?.toItem({ context: 'c', choices: ['a', ' '], gold: 0 }, 0, "task file 'x' line 4")).toThrow(
      "task file 'x' line 4: field 'choices' entry 1 is an empty string",
    );
    expect(() =>
      ADAPTERS.arc_easy?.toItem({ question: 'q', choices: { text: ['', 'b'], label: ['A', 'B'] }, answerKey: 'A' }, 0, 'w'),
    ).toThrow(/field 'choices\.text' entry 0 is an empty string/);
    await expect(loadTask(join(FIXTURES, 'tiny-task.jsonl'), 0)).rejects.toThrow(/limit must be a positive integer/);
    await expect(loadTask(join(FIXTURES, 'missing.jsonl'))).rejects.toThrow(/does not exist/);
  });
});
