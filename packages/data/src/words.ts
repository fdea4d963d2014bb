/**
 * Python's `\s` for str patterns (`str.isspace()`): ASCII whitespace plus the information separators
 * U+001C..U+001F, NEL, NBSP and the Unicode space separators. Not U+FEFF or U+200B, which JavaScript's `\s`
 * treats differently, so a JavaScript regex would not count what lm-eval counts.
 */
function isPythonSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/**
 * Words as lm-evaluation-harness counts them for word perplexity: `len(re.split(r"\s+", doc))`, i.e. one more
 * than the number of whitespace runs. Leading or trailing whitespace therefore adds an (empty) word, and the
 * empty text counts 1, exactly as in lm-eval; a scan, so no array of words is built. The one word counter of
 * the project: corpus statistics, prepared splits and `eval ppl` all use it.
 */
export function countWords(text: string): number {
  let runs = 0;
  let inSpace = false;
  for (let i = 0; i < text.length; i++) {
    const space = isPythonSpace(text.charCodeAt(i));
    if (space && !inSpace) runs += 1;
    inSpace = space;
  }
  return runs + 1;
}
