import { describe, expect, it } from 'vitest';
import { htmlDocument } from './document.js';

describe('htmlDocument', () => {
  it('escapes the title, keeps the body in order and writes a policy only when given', () => {
    const page = htmlDocument({ title: 'a < b & "c"', css: 'p{}', body: ['<main>', '<p>x</p>', '</main>'] });
    expect(page).toContain('<title>a &lt; b &amp; &quot;c&quot;</title>');
    expect(page).toMatch(/<body>\n<main>\n<p>x<\/p>\n<\/main>\n<\/body>\n<\/html>\n$/);
    expect(page).not.toContain('Content-Security-Policy');
    const strict = htmlDocument({ title: 't', css: '', csp: "default-src 'none'", body: [] });
    expect(strict).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'">`);
  });
});
