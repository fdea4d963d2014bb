import { EvalInputError } from '../errors.js';

/** One scoring request: the log-likelihood of `continuation` after `context`. */
export interface McRequest {
  context: string;
  continuation: string;
}

/** One multiple-choice question, ready to score: one request per choice and the gold index. */
export interface McItem {
  id: string;
  requests: McRequest[];
  /** Characters per choice that acc_norm divides by (lm-eval: the length of the choice text). */
  choiceLengths: number[];
  gold: number;
}

/** How a task reads its rows and which metrics it reports (lm-eval's YAML, for the formats built in). */
export interface TaskAdapter {
  name: string;
  /** lm-eval task version, recorded under `versions`. */
  version: number;
  metrics: Array<'acc' | 'acc_norm'>;
  /** Turn one raw row into a question; `where` names the file and row for error messages. */
  toItem(row: Record<string, unknown>, index: number, where: string): McItem;
}

type Row = Record<string, unknown>;

function str(row: Row, key: string, where: string): string {
  const v = row[key];
  if (typeof v !== 'string') throw new EvalInputError(`${where}: field '${key}' must be a string, found ${JSON.stringify(v)}`);
  return v;
}

function strArray(value: unknown, key: string, where: string): string[] {
  if (!Array.isArray(value) || value.length < 2 || !value.every((x) => typeof x === 'string')) {
    throw new EvalInputError(`${where}: field '${key}' must be an array of at least 2 strings, found ${JSON.stringify(value)}`);
  }
  // An empty choice has log-likelihood 0 and would win every question it is in: refuse it, naming it.
  const empty = value.findIndex((x) => (x as string).trim() === '');
  if (empty >= 0) throw new EvalInputError(`${where}: field '${key}' entry ${empty} is an empty string; every choice needs text`);
  return value as string[];
}

function index(value: unknown, n: number, key: string, where: string): number {
  const i = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= n) {
    throw new EvalInputError(`${where}: field '${key}' must be a choice index in [0, ${n}), found ${JSON.stringify(value)}`);
  }
  return i;
}

function idOf(row: Row, i: number): string {
  const id = row.id ?? row.ind;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : String(i);
}

/** lm-eval's standard multiple choice: shared context, continuation = " " + choice. */
function shared(id: string, context: string, choices: string[], gold: number): McItem {
  return { id, requests: choices.map((c) => ({ context, continuation: ` ${c}` })), choiceLengths: choices.map((c) => c.length), gold };
}

/** `choices: {text: [...], label: [...]}` (ARC, OpenBookQA). */
function labelled(row: Row, answerKey: string, where: string): { texts: string[]; gold: number } {
  const choices = row.choices as { text?: unknown; label?: unknown } | undefined;
  const texts = strArray(choices?.text, 'choices.text', where);
  const labels = strArray(choices?.label, 'choices.label', where);
  const gold = labels.indexOf(answerKey);
  if (gold < 0) throw new EvalInputError(`${where}: answerKey '${answerKey}' is not one of choices.label [${labels.join(', ')}]`);
  return { texts, gold };
}

/** HellaSwag preprocessing (lm-eval tasks/hellaswag/utils.py): strip WikiHow bracket artifacts. */
export function hellaswagPreprocess(text: string): string {
  return text
    .trim()
    .replace(/ \[title\]/g, '. ')
    .replace(/\[.*?\]/g, '')
    .replace(/ {2}/g, ' ');
}

/** Python's str.capitalize(): first character upper case, the rest lower case. */
function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();
}

const arc = (name: string): TaskAdapter => ({
  name,
  version: 1,
  metrics: ['acc', 'acc_norm'],
  toItem(row, i, where) {
    const { texts, gold } = labelled(row, str(row, 'answerKey', where), where);
    return shared(idOf(row, i), `Question: ${str(row, 'question', where)}\nAnswer:`, texts, gold);
  },
});

/** The built-in adapters, by lm-eval task name; `generic` reads the project's own JSONL format. */
export const ADAPTERS: Record<string, TaskAdapter> = {
  generic: {
    name: 'generic',
    version: 0,
    metrics: ['acc', 'acc_norm'],
    toItem(row, i, where) {
      const choices = strArray(row.choices, 'choices', where);
      const gold = index(row.gold, choices.length, 'gold', where);
      if (Array.isArray(row.context)) {
        // Partial scoring: one context per choice, one shared continuation (as WinoGrande).
        const contexts = strArray(row.context, 'context', where);
        if (contexts.length !== choices.length)
          throw new EvalInputError(`${where}: 'context' has ${contexts.length} entries but 'choices' has ${choices.length}`);
        const continuation = str(row, 'continuation', where);
        return {
          id: idOf(row, i),
          requests: contexts.map((context) => ({ context, continuation: ` ${continuation}` })),
          choiceLengths: contexts.map(() => continuation.length),
          gold,
        };
      }
      return shared(idOf(row, i), str(row, 'context', where), choices, gold);
    },
  },
  arc_easy: arc('arc_easy'),
  arc_challenge: arc('arc_challenge'),
  piqa: {
    name: 'piqa',
    version: 1,
    metrics: ['acc', 'acc_norm'],
    toItem: (row, i, where) =>
      shared(
        idOf(row, i),
        `Question: ${str(row, 'goal', where)}\nAnswer:`,
        [str(row, 'sol1', where), str(row, 'sol2', where)],
        index(row.label, 2, 'label', where),
      ),
  },
  hellaswag: {
    name: 'hellaswag',
    version: 1,
    metrics: ['acc', 'acc_norm'],
    toItem(row, i, where) {
      const ctx = `${str(row, 'ctx_a', where)} ${capitalize(str(row, 'ctx_b', where))}`;
      const endings = strArray(row.endings, 'endings', where).map(hellaswagPreprocess);
      return shared(
        idOf(row, i),
        hellaswagPreprocess(`${str(row, 'activity_label', where)}: ${ctx}`),
        endings,
        index(row.label, endings.length, 'label', where),
      );
    },
  },
  winogrande: {
    name: 'winogrande',
    version: 1,
    metrics: ['acc'],
    toItem(row, i, where) {
      const sentence = str(row, 'sentence', where);
      const blank = sentence.indexOf('_');
      if (blank < 0) throw new EvalInputError(`${where}: field 'sentence' has no '_' blank`);
      const target = sentence.slice(blank + 1).trim();
      const options = [str(row, 'option1', where), str(row, 'option2', where)];
      const answer = String(row.answer);
      if (answer !== '1' && answer !== '2')
        throw new EvalInputError(`${where}: field 'answer' must be "1" or "2", found ${JSON.stringify(row.answer)}`);
      return {
        id: idOf(row, i),
        requests: options.map((o) => ({ context: sentence.slice(0, blank) + o, continuation: ` ${target}` })),
        choiceLengths: options.map(() => target.length),
        gold: Number(answer) - 1,
      };
    },
  },
  boolq: {
    name: 'boolq',
    version: 2,
    metrics: ['acc'],
    toItem(row, i, where) {
      // super_glue/boolq has `label` (0/1); google/boolq has `answer` (boolean).
      const gold = typeof row.answer === 'boolean' ? Number(row.answer) : index(row.label, 2, 'label', where);
      return shared(idOf(row, i), `${str(row, 'passage', where)}\nQuestion: ${str(row, 'question', where)}?\nAnswer:`, ['no', 'yes'], gold);
    },
  },
  openbookqa: {
    name: 'openbookqa',
    version: 1,
    metrics: ['acc', 'acc_norm'],
    toItem(row, i, where) {
      const { texts, gold } = labelled(row, str(row, 'answerKey', where).trimStart(), where);
      return shared(idOf(row, i), str(row, 'question_stem', where), texts, gold);
    },
  },
  social_iqa: {
    name: 'social_iqa',
    version: 0,
    metrics: ['acc'],
    toItem: (row, i, where) =>
      shared(
        idOf(row, i),
        `Q: ${str(row, 'context', where)} ${str(row, 'question', where)}\nA:`,
        [str(row, 'answerA', where), str(row, 'answerB', where), str(row, 'answerC', where)],
        index(Number(row.label) - 1, 3, 'label (1-based)', where),
      ),
  },
};
