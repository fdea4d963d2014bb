import { escapeHtml } from './format.js';

/** What a standalone page needs around its body: one head shared by the report and the fit explorer. */
export interface HtmlDocument {
  title: string;
  css: string;
  /** Content-Security-Policy of the page, when it restricts what the page may load. */
  csp?: string;
  /** Lines of the body, in order. */
  body: string[];
}

/** A whole HTML page (UTF-8, viewport meta, inline style), ending with a newline. */
export function htmlDocument(doc: HtmlDocument): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    ...(doc.csp ? [`<meta http-equiv="Content-Security-Policy" content="${doc.csp.replace(/"/g, '&quot;')}">`] : []),
    `<title>${escapeHtml(doc.title)}</title>`,
    `<style>${doc.css}</style>`,
    '</head>',
    '<body>',
    ...doc.body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
