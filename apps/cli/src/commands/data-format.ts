import type { CorpusStats, PreparedTokens, TokenStats } from '@scalewise/data';

function n(x: number): string {
  return x.toLocaleString('en-US');
}

/** Human summary of `data prepare`: one line per split with units. */
export function formatPrepare(prep: PreparedTokens, seconds: number): string {
  const lines = [
    `corpus ${prep.manifest.corpusName}, tokenizer ${prep.manifest.tokenizerName} (vocab ${n(prep.manifest.vocabSize)}, ` +
      `${prep.manifest.dtype})`,
    `${prep.fromCache ? 'reused cache' : 'tokenized into'} ${prep.dir}`,
    'split        documents        tokens         bytes   bytes/token         words',
  ];
  let docs = 0;
  let tokens = 0;
  let bytes = 0;
  let words = 0;
  for (const split of Object.values(prep.splits)) {
    docs += split.documents;
    tokens += split.tokenCount;
    bytes += split.bytes;
    words += split.words;
    const bpt = split.tokenCount > 0 ? (split.bytes / split.tokenCount).toFixed(4) : '-';
    lines.push(
      `${split.name.padEnd(10)} ${n(split.documents).padStart(11)} ${n(split.tokenCount).padStart(13)} ` +
        `${n(split.bytes).padStart(13)} ${bpt.padStart(13)} ${n(split.words).padStart(13)}`,
    );
  }
  lines.push(
    `${'total'.padEnd(10)} ${n(docs).padStart(11)} ${n(tokens).padStart(13)} ${n(bytes).padStart(13)} ` +
      `${prep.bytesPerToken.toFixed(4).padStart(13)} ${n(words).padStart(13)}`,
  );
  if (!prep.fromCache && seconds > 0) lines.push(`${n(Math.round(tokens / seconds))} tokens/s (${seconds.toFixed(2)} s)`);
  return `${lines.join('\n')}\n`;
}

/** Human summary of `data stats`. */
export function formatStats(stats: CorpusStats, tokens: TokenStats | null): string {
  const perGenre = stats.genres.map((g) => `${g} ${stats.documentsPerGenre[g]}`).join(', ');
  const lines = [
    `corpus      ${stats.name}`,
    `documents   ${n(stats.documents)}`,
    `genres      ${stats.genres.length}${stats.genres.length > 0 ? ` (${perGenre})` : ''}`,
  ];
  if (stats.brownTokens !== null)
    lines.push(`words       ${n(stats.brownTokens)} (Brown tagged tokens: words and punctuation, tags stripped)`);
  lines.push(`words       ${n(stats.words)} (whitespace-separated, as lm-evaluation-harness counts them)`);
  lines.push(`bytes       ${n(stats.bytes)} (UTF-8)`);
  lines.push(`characters  ${n(stats.chars)} (UTF-16 code units)`);
  if (tokens !== null) lines.push(`tokens      ${n(tokens.tokens)} (${tokens.bytesPerToken.toFixed(4)} bytes/token)`);
  return `${lines.join('\n')}\n`;
}
