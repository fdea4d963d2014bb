import { escapeHtml } from './format.js';

/** Inline markup on already-escaped text: `code`, **bold**, *italic*. */
function inline(escaped: string): string {
  return escaped
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^*\w])\*([^*\s][^*]*)\*(?!\*)/g, '$1<em>$2</em>');
}

/**
 * A small, safe subset of Markdown: paragraphs (blank-line separated), "- " bullet lists, inline
 * `code`, **bold** and *italic*. All other characters are escaped, so no HTML passes through.
 */
export function markdownToHtml(text: string): string {
  const blocks = text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((b) => b.trim())
    .filter((b) => b !== '');
  return blocks
    .map((block) => {
      const lines = block.split('\n').map((l) => l.trim());
      if (lines.every((l) => /^[-*] /.test(l))) {
        return `<ul>${lines.map((l) => `<li>${inline(escapeHtml(l.slice(2)))}</li>`).join('')}</ul>`;
      }
      return `<p>${inline(escapeHtml(lines.join(' ')))}</p>`;
    })
    .join('\n');
}
