/**
 * The notebook that performs a comparison. "Compare initializations" and `initlab compare` both
 * write the comparison as ordinary cells and run them, so the result is reproducible and
 * editable: change a cell and run it again. Cell ids are fixed so a caller can find the outputs.
 */
import { defaultNotebookMetadata, NBFORMAT_MINOR, type CodeCell, type MarkdownCell, type Notebook } from '../notebookFormat';
import { customStd, schemeLabel, SUBSET_ROWS, type CompareOptions, type SchemeId } from './compareOptions';

export const COMPARE_CELL_IDS = { data: 'compare-data', probe: 'compare-probe', histograms: 'compare-histograms', theory: 'compare-theory', verdict: 'compare-verdict' } as const;

const DATA_LABELS = { mnist: 'MNIST, 50,000 training images', 'mnist-subset': `MNIST, the first ${SUBSET_ROWS.toLocaleString('en-US')} training images`, synthetic: `synthetic N(0, 1) inputs, ${SUBSET_ROWS.toLocaleString('en-US')} rows` };

const code = (id: string, source: string): CodeCell => ({ cell_type: 'code', id, metadata: {}, source, outputs: [], execution_count: null });
const markdown = (id: string, source: string): MarkdownCell => ({ cell_type: 'markdown', id, metadata: {}, source });

function dataCell(options: CompareOptions): string {
  if (options.data === 'synthetic') {
    return [`// Standard-normal inputs and targets: no structure, only the scale matters.`, `const { x, y } = data.synthetic(${SUBSET_ROWS}, 784, { seed: ${options.seed} });`].join('\n');
  }
  const subset = options.data === 'mnist-subset' ? `{ subset: ${SUBSET_ROWS} }` : '';
  return [
    `// MNIST (LeCun, Cortes and Burges), normalized with the training images' mean and std;`,
    `// y is the digit, as in the lesson.`,
    `const { xTrain: x, yTrain: y, mean, std } = data.mnist(${subset});`,
    `console.log(\`x: \${x.shape.join(' × ')}, normalized with mean \${mean.toFixed(4)}, std \${std.toFixed(4)}\`);`,
  ].join('\n');
}

/** The TypeScript that builds one scheme's model. */
function modelExpression(scheme: SchemeId): string {
  const std = customStd(scheme);
  if (std !== undefined) return `nn.mlp(sizes, { activation, seed, init: (shape, _layer, s) => init.normal(shape, 0, ${std}, { seed: s }) })`;
  if (scheme === 'lsuv') {
    // LSUV starts from orthogonal weights and rescales each layer on a batch (Mishkin & Matas, 2015).
    return `(() => { const m = nn.mlp(sizes, { activation, seed, init: 'orthogonal' }); const batch = x.slice([0, 0], [Math.min(1000, x.shape[0]), -1]); init.lsuv(m, batch); batch.dispose(); return m; })()`;
  }
  return `nn.mlp(sizes, { activation, seed, init: '${scheme}' })`;
}

function probeCell(options: CompareOptions): string {
  const hidden = options.depth - 1;
  return [
    `// ${options.depth} Linear layers: ${hidden} hidden of ${options.width} units, then one output.`,
    `const activation = '${options.activation}';`,
    `const seed = ${options.seed};`,
    `const sizes = [x.shape[1], ...Array(${hidden}).fill(${options.width}), 1];`,
    `const schemes: [string, () => nn.Model][] = [`,
    ...options.schemes.map((s) => `  [${JSON.stringify(schemeLabel(s))}, () => ${modelExpression(s)}],`),
    `];`,
    `// One forward and backward pass per scheme, on all rows; the probe reads every layer.`,
    `const reports = [];`,
    `for (const [label, build] of schemes) {`,
    `  const model = build();`,
    `  reports.push(probe(model, { label }).step(x, y));`,
    `  model.dispose();`,
    `}`,
    `const comparison = compareReports(reports);`,
    `comparison`,
  ].join('\n');
}

export function compareNotebook(options: CompareOptions): Notebook {
  const schemes = options.schemes.map(schemeLabel).join(', ');
  const intro = [
    `# Compare initializations`,
    ``,
    `**Schemes:** ${schemes}  `,
    `**Network:** ${options.depth} layers, width ${options.width}, activation ${options.activation}  `,
    `**Data:** ${DATA_LABELS[options.data]}  `,
    `**Seed:** ${options.seed}`,
    ``,
    `Each scheme initializes the same network; one forward and backward pass then shows, layer by layer, whether activations and gradients keep their scale. Edit any cell and run it again.`,
  ].join('\n');
  return {
    nbformat: 4,
    nbformat_minor: NBFORMAT_MINOR,
    metadata: { ...defaultNotebookMetadata, initlab: { compare: { ...options, schemes: [...options.schemes] } } },
    cells: [
      markdown('compare-intro', intro),
      code(COMPARE_CELL_IDS.data, dataCell(options)),
      code(COMPARE_CELL_IDS.probe, probeCell(options)),
      markdown('compare-histograms-intro', 'Where do the values sit? Histograms of each layer’s activations, a column per scheme.'),
      code(COMPARE_CELL_IDS.histograms, 'charts.histograms(comparison)'),
      markdown('compare-theory-intro', 'Variance-propagation theory (Glorot & Bengio, 2010; He et al., 2015) against what was measured.'),
      code(COMPARE_CELL_IDS.theory, 'charts.theory(comparison)'),
      markdown('compare-verdict-intro', 'The verdict: which schemes keep activation and gradient std in a healthy band at every layer.'),
      code(COMPARE_CELL_IDS.verdict, 'verdict(comparison)'),
    ],
  };
}
