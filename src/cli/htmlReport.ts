/**
 * An executed notebook as one self-contained HTML file: markdown cells rendered, each code
 * cell's source folded away, its text outputs as text and its charts as the static SVG the
 * kernel rendered. Nothing is loaded from anywhere, so the report opens offline and can be
 * mailed or attached to an issue. Markdown goes through markdown-it with raw HTML off.
 */
import MarkdownIt from 'markdown-it';
import type { NbOutput, Notebook } from '../shared/notebookFormat';
import { MimeTypes } from '../shared/mimeTypes';
import { joinLines } from '../format/initnbFormat';

const markdown = new MarkdownIt({ html: false, linkify: false });

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The kernel's SVG comes from Vega's own SVG renderer; it is still checked to be one <svg>
 * element without scripts or event handlers before it is inlined.
 */
function safeSvg(svg: string): string | undefined {
  const trimmed = svg.trim();
  if (!trimmed.startsWith('<svg') || /<script|\son\w+\s*=|javascript:/i.test(trimmed)) return undefined;
  return trimmed;
}

function outputHtml(output: NbOutput): string {
  switch (output.output_type) {
    case 'stream':
      return `<pre class="${output.name}">${escapeHtml(joinLines(output.text))}</pre>`;
    case 'error':
      return `<pre class="error">${escapeHtml(`${output.ename}: ${output.evalue}\n${output.traceback.join('\n')}`)}</pre>`;
    default: {
      const data = output.data;
      const svg = data[MimeTypes.svg] !== undefined ? safeSvg(joinLines(data[MimeTypes.svg] as string | string[])) : undefined;
      if (svg) return `<figure>${svg}</figure>`;
      if (data[MimeTypes.markdown] !== undefined) return `<div class="markdown">${markdown.render(joinLines(data[MimeTypes.markdown] as string | string[]))}</div>`;
      if (data[MimeTypes.plain] !== undefined) return `<pre>${escapeHtml(joinLines(data[MimeTypes.plain] as string | string[]))}</pre>`;
      return '';
    }
  }
}

export function notebookToHtml(notebook: Notebook, title: string): string {
  const body = notebook.cells
    .map((cell) => {
      const source = joinLines(cell.source);
      if (cell.cell_type === 'markdown') return `<section class="markdown">${markdown.render(source)}</section>`;
      if (cell.cell_type !== 'code') return '';
      const outputs = cell.outputs.map(outputHtml).join('\n');
      return `<section class="code"><details><summary>Code</summary><pre><code>${escapeHtml(source)}</code></pre></details>${outputs}</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #1f2328; }
pre { background: #f6f8fa; padding: .6em .8em; overflow-x: auto; font-size: 13px; }
pre.stderr, pre.error { background: #fff1f0; color: #82071e; }
figure { margin: 1em 0; overflow-x: auto; }
details summary { cursor: pointer; color: #59636e; font-size: 13px; }
section.code { border-left: 3px solid #d0d7de; padding-left: 1em; margin: 1em 0; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}
