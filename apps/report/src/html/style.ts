/** Page style: one readable column, system-independent fonts, print-friendly. */
export const REPORT_CSS = `
:root { --fg: #1b1b1b; --muted: #5a5a5a; --rule: #e2e2e2; --accent: #0072B2; --bg-alt: #f6f7f8; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--fg); background: #ffffff; font: 16px/1.55 "DejaVu Sans", Verdana, Arial, sans-serif; }
main { max-width: 980px; margin: 0 auto; padding: 40px 28px 64px; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0 0 6px; letter-spacing: -0.01em; }
.subtitle { color: var(--muted); margin: 0 0 24px; }
h2 { font-size: 1.3rem; margin: 44px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--rule); }
h3 { font-size: 1.02rem; margin: 24px 0 8px; }
p, ul { margin: 0 0 12px; max-width: 72ch; }
code, pre { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.86em; }
code { background: var(--bg-alt); padding: 1px 4px; border-radius: 3px; }
pre { background: var(--bg-alt); padding: 12px 14px; border-radius: 6px; overflow-x: auto; line-height: 1.4; }
nav.toc { background: var(--bg-alt); border-radius: 6px; padding: 10px 18px; margin: 0 0 20px; }
nav.toc ol { margin: 4px 0; padding-left: 20px; }
nav.toc a { color: var(--accent); text-decoration: none; }
.summary { border-left: 4px solid var(--accent); padding: 6px 16px; margin: 0 0 20px; background: #f3f8fc; }
.summary ul { margin: 6px 0; }
.table-wrap { overflow-x: auto; margin: 8px 0 18px; }
table { border-collapse: collapse; font-size: 0.88rem; min-width: 40%; }
caption { caption-side: bottom; text-align: left; color: var(--muted); font-size: 0.82rem; padding-top: 6px; }
th, td { padding: 5px 12px; border-bottom: 1px solid var(--rule); text-align: left; white-space: nowrap; }
th { font-weight: 600; border-bottom: 2px solid #c8c8c8; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tbody tr:nth-child(even) { background: #fafafa; }
figure.figure { margin: 18px 0 28px; }
figure.figure .svg-wrap { max-width: 100%; }
figure.figure svg { width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: 0.86rem; margin-top: 6px; max-width: 72ch; }
figcaption .files { font-size: 0.78rem; }
footer { margin-top: 48px; color: var(--muted); font-size: 0.8rem; border-top: 1px solid var(--rule); padding-top: 10px; }
@media print { main { max-width: none; padding: 0; } h2 { break-after: avoid; } figure { break-inside: avoid; } }
`;
