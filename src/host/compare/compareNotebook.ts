/**
 * The notebook that performs a comparison. "Compare initializations" and `initlab compare` both
 * write the comparison as ordinary cells and run them, so the result is reproducible and
 * editable: change a cell and run it again. Cell ids are fixed so a caller can find the outputs.
 */
import { defaultNotebookMetadata, NBFORMAT_MINOR, type CodeCell, type MarkdownCell, type NbCell, type Notebook } from '../../shared/notebookFormat';
import { customStd, DEFAULT_COMPARE_OPTIONS, schemeLabel, SUBSET_ROWS, type CompareOptions, type DataChoice, type SchemeId } from './compareOptions';

export const COMPARE_CELL_IDS = { data: 'compare-data', probe: 'compare-probe', histograms: 'compare-histograms', theory: 'compare-theory', training: 'compare-training', verdict: 'compare-verdict', spectrum: 'compare-spectrum' } as const;

/** The variable the verdict cell keeps its verdict in: the command reads it back as data. */
export const COMPARE_VERDICT_VARIABLE = 'comparisonVerdict';

/** The verdict variable of a comparison on the notebook's `model`. */
export const modelVerdictVariable = (model: string) => `${model}Verdict`;

/** The verdict cell: the verdict kept in `name`, and shown. */
const verdictCell = (name: string, args: string) => `const ${name} = verdict(${args});\n${name}`;

const DATA_LABELS = { mnist: 'MNIST, 50,000 training images', 'mnist-subset': `MNIST, the first ${SUBSET_ROWS.toLocaleString('en-US')} training images`, synthetic: `synthetic N(0, 1) inputs, ${SUBSET_ROWS.toLocaleString('en-US')} rows` };

const code = (id: string, source: string): CodeCell => ({ cell_type: 'code', id, metadata: {}, source, outputs: [], execution_count: null });
const markdown = (id: string, source: string): MarkdownCell => ({ cell_type: 'markdown', id, metadata: {}, source });

/** The options the data cell passes to `data.mnist()`; undefined for synthetic data. */
export function mnistOptionsFor(data: DataChoice): { subset?: number } | undefined {
  if (data === 'synthetic') return undefined;
  return data === 'mnist-subset' ? { subset: SUBSET_ROWS } : {};
}

function dataCell(options: CompareOptions): string {
  const mnistOptions = mnistOptionsFor(options.data);
  if (!mnistOptions) {
    return [`// Standard-normal inputs and targets: no structure, only the scale matters.`, `const { x, y } = data.synthetic(${SUBSET_ROWS}, 784, { seed: ${options.seed} });`].join('\n');
  }
  const subset = mnistOptions.subset === undefined ? '' : `{ subset: ${mnistOptions.subset} }`;
  return [
    `// MNIST (LeCun, Cortes and Burges), normalized with the training images' mean and std;`,
    `// y is the digit, as in the lesson.`,
    `const { xTrain: x, yTrain: y, mean, std } = data.mnist(${subset});`,
    `console.log(\`x: \${x.shape.join(' × ')}, normalized with mean \${mean.toFixed(4)}, std \${std.toFixed(4)}\`);`,
  ].join('\n');
}

/**
 * What a comparison's kernel runs before its first cell, while the notebook opens (startup code,
 * kernelProtocol.ts): the engine's memory readied for the data, whose tensors otherwise pay a
 * page fault per 4 KiB written (toolkit/engine/engineMemory.ts): 1.5 times the images' bytes,
 * for the training and validation images and the labels. Not the probe's share too: the whole
 * comparison touches about 790 MB on MNIST (2026-11-25), and reserving all of it (2.9 s) ran on
 * past the moment the notebook opened, competing with it for the two cores; the Compare UI test,
 * which answers the questions in 0.3 s, was slower for it (10.1-13.1 s against 10.8-10.9 s).
 * A kernel that the last comparison left waiting has done all of it already, while the user
 * read (nextComparisonSteps); for it, this allocates from memory already faulted in.
 */
export function compareStartupCode(data: DataChoice): string {
  const rows = data === 'mnist' ? 50_000 : SUBSET_ROWS;
  const bytes = Math.ceil((DATA_OVER_IMAGES * rows * 784 * 4) / 2 ** 20) * 2 ** 20;
  return `reserveEngineMemory(${bytes});`;
}
const DATA_OVER_IMAGES = 1.5;

/**
 * What a kernel started for the next comparison runs while it waits, in the time a user spends
 * reading the last one (compareInitializations.ts): the default comparison's first costs paid
 * ahead. MNIST read and unpacked, one pass of the default network on 64 rows (which compiles the
 * probe's code paths), then the engine's heap for the whole comparison faulted in. Inside a block,
 * so the comparison's notebook gets no variable from it, and it draws no random number.
 *
 * In steps of a third of a second or so, each sent as startup code that runs only while no cell
 * waits: a comparison that comes before the preparation is done waits for one step, not all.
 *
 * Measured headless, 2 × AMD EPYC, 2026-11-25 (the default comparison's cells, from its command's
 * startup code to the verdict): 6.2-6.6 s in a kernel that had only started, 4.6-4.7 s after
 * MNIST and the warm-up pass, 3.0-3.7 s with the heap faulted in too; the kernel's CPU time for
 * them went from 7.3 to 4.7-5.2 core-seconds. Inside VS Code on two cores, CPU time is what
 * decides the wait. The cost: the waiting kernel holds that heap, about 1 GB in all.
 */
export function nextComparisonSteps(): string[] {
  const { depth, width, activation } = DEFAULT_COMPARE_OPTIONS;
  const sizes = [784, ...Array(depth - 1).fill(width), 1];
  const warmUp = [
    `{`,
    `  const { xTrain, yTrain, xValid, yValid } = data.mnist({ subset: 64 });`,
    `  const model = nn.mlp(${JSON.stringify(sizes)}, { activation: '${activation}', seed: 0 });`,
    `  probe(model, { dataGrad: false }).step(xTrain, yTrain);`,
    `  model.dispose();`,
    `  tf.dispose([xTrain, yTrain, xValid, yValid]);`,
    `}`,
  ].join('\n');
  // Each step reserves 96 MiB more than the last; the pages reserved before are not faulted again.
  const reserve = Array.from({ length: DEFAULT_COMPARISON_HEAP_BYTES / RESERVE_STEP_BYTES }, (_, i) => `reserveEngineMemory(${(i + 1) * RESERVE_STEP_BYTES});`);
  return [warmUp, ...reserve];
}
const RESERVE_STEP_BYTES = 96 * 2 ** 20;

/**
 * The engine heap the default comparison needs in a fresh kernel, in whole reservation steps: 755
 * MiB measured on 2026-11-25, 774 MiB on 2026-12-07 (after the engine's new kernels and the probe's
 * SIMD passes; which of them holds the extra 19 MiB was not measured); a unit test checks that the
 * comparison fits in it.
 */
export const DEFAULT_COMPARISON_HEAP_BYTES = 864 * 2 ** 20;

/**
 * The TypeScript that builds one scheme's model. `make(init)` turns an initializer (a name in
 * quotes, or a weight function) into the expression that builds the network with it.
 */
function modelExpression(scheme: SchemeId, make: (init: string) => string): string {
  const std = customStd(scheme);
  if (std !== undefined) return make(`(shape, _layer, s) => init.normal(shape, 0, ${std}, { seed: s })`);
  if (scheme === 'lsuv') {
    // LSUV starts from orthogonal weights and rescales each layer on a batch of the first 1,000
    // rows or images (Mishkin & Matas, 2015), its draws seeded as the other schemes'.
    return `(() => { const m = ${make("'orthogonal'")}; const rows = Array.isArray(x) ? x[0] : x; const batch = rows.slice(0, Math.min(1000, rows.shape[0])); init.lsuv(m, batch, { seed }); batch.dispose(); return m; })()`;
  }
  if (scheme === 'fixup') {
    // Fixup (Zhang et al., 2019) sets a Kaiming draw's residual branches: zero last layers, the
    // others scaled by L^(−1/(2m−2)), the output layer zero. It refuses a network without them.
    return `(() => { const m = ${make("'kaimingNormal'")}; init.fixup(m); return m; })()`;
  }
  if (scheme === 'metaInit' || scheme === 'gradInit') {
    // MetaInit and GradInit tune a Kaiming draw on the first 128 rows, in a bounded number of
    // steps (MetaInit's each differentiate three times), so a comparison stays quick.
    const steps = scheme === 'metaInit' ? '{ steps: 10 }' : '{ iterations: 20 }';
    return `(() => { const m = ${make("'kaimingNormal'")}; const [xs, ys] = [Array.isArray(x) ? x[0] : x, Array.isArray(y) ? y[0] : y]; const n = Math.min(128, xs.shape[0]); const [xb, yb] = [xs.slice(0, n), ys.slice(0, n)]; init.${scheme}(m, xb, yb, ${steps}); tf.dispose([xb, yb]); return m; })()`;
  }
  return make(`'${scheme}'`);
}

/** The schemes as `[label, build]` pairs, one line each; `modelType` is what each build returns. */
function schemeList(schemes: readonly SchemeId[], make: (init: string) => string, indent: string, modelType: string): string[] {
  return [
    `${indent}const schemes: [string, () => ${modelType}][] = [`,
    ...schemes.map((s) => `${indent}  [${JSON.stringify(schemeLabel(s))}, () => ${modelExpression(s, make)}],`),
    `${indent}];`,
  ];
}

/**
 * One forward and backward pass per scheme, into `reports`. No gradient with respect to the data
 * (as in PyTorch, where inputs do not require grad): nothing the comparison shows needs it, and
 * on MNIST it is the pass's largest product.
 */
function probeLoop(indent: string): string[] {
  return [
    `${indent}const reports = schemes.map(([label, build]) => {`,
    `${indent}  const model = build();`,
    `${indent}  const report = probe(model, { label, dataGrad: false }).step(x, y);`,
    `${indent}  model.dispose();`,
    `${indent}  return report;`,
    `${indent}});`,
  ];
}

/**
 * The same pass on a notebook's own model: each scheme's copy, and the model itself when it
 * holds trained weights from its file ("as loaded"), which is never disposed. A line per scheme
 * as it ends, and per layer while a long pass runs, so a large model shows it is working.
 */
function modelProbeLoop(model: string, indent: string): string[] {
  return [
    `${indent}const started = Date.now();`,
    `${indent}let said = started;`,
    `${indent}const progress = (label: string) => (layer: number, of: number, name: string, phase: string) => {`,
    `${indent}  if (Date.now() - said < 2000) return;`,
    `${indent}  said = Date.now();`,
    `${indent}  console.log(\`  \${label}: \${phase} \${layer}/\${of} (\${name})\`);`,
    `${indent}};`,
    `${indent}const reports = schemes.map(([label, build], k) => {`,
    `${indent}  const model = build();`,
    `${indent}  const report = probe(model, { label, dataGrad: false, progress: progress(label) }).step(x, y);`,
    `${indent}  if (model !== ${model}) model.dispose();`,
    `${indent}  console.log(\`scheme \${k + 1}/\${schemes.length} \${label}: probed at \${((Date.now() - started) / 1000).toFixed(1)} s\`);`,
    `${indent}  return report;`,
    `${indent}});`,
  ];
}

function probeCell(options: CompareOptions): string {
  const hidden = options.depth - 1;
  return [
    `// ${options.depth} Linear layers: ${hidden} hidden of ${options.width} units, then one output.`,
    `const activation = '${options.activation}';`,
    `const seed = ${options.seed};`,
    `const sizes = [x.shape[1], ...Array(${hidden}).fill(${options.width}), 1];`,
    ...schemeList(options.schemes, (init) => `nn.mlp(sizes, { activation, seed, init: ${init} })`, '', 'nn.Model'),
    `// One forward and backward pass per scheme, on all rows; the probe reads every layer.`,
    `// dataGrad: false skips x.g, the gradient with respect to the data, as PyTorch does.`,
    ...probeLoop(''),
    `const comparison = compareReports(reports);`,
    `comparison`,
  ].join('\n');
}

/**
 * After the verdict, so the verdict shows as soon as before: the Jacobian spectrum of each
 * scheme's network, built afresh, from the input to the last hidden layer (the network's one
 * output would give one singular value per example). Exact on 8 examples, 100 products each at
 * the default width: 0.8-1.2 s per scheme, its build included, on 2 cores under a load average
 * of 13 (2026-12-07; the unloaded figure is smaller).
 */
const SPECTRUM_EXAMPLES = 8;

const SPECTRUM_INTRO =
  'Beyond the std: dynamical isometry (Pennington, Schoenholz & Ganguli, 2017). The singular values of each example’s Jacobian from the input to the last hidden layer, and each layer’s partial Jacobian norm to it. All of them near 1 is what lets a deep network train fast; a wide spread means some directions explode while others vanish.';

function spectrumCell(): string {
  return [
    `// On the first ${SPECTRUM_EXAMPLES} examples; to: -2 ends the Jacobian at the last hidden layer.`,
    `const spectra = schemes.map(([label, build]) => {`,
    `  const model = build();`,
    `  const report = spectrum(model, x, { examples: ${SPECTRUM_EXAMPLES}, to: -2, label, seed });`,
    `  model.dispose();`,
    `  return report;`,
    `});`,
    `compareReports(spectra)`,
  ].join('\n');
}

/** SGD's settings in a comparison's training: plain, so the initialization is what differs. */
const TRAINING = { lr: 0.01, batchSize: 64, every: 10 };

/**
 * Each scheme trained for `steps` of plain SGD on the same batches in the same order, into
 * `trainings`, recorded every 10 steps. `build` makes the scheme's model afresh.
 */
function trainingLoop(steps: number, indent: string, own?: string): string[] {
  return [
    `${indent}// ${steps} steps of plain SGD (lr ${TRAINING.lr}, batches of ${TRAINING.batchSize}) per scheme, on the same batches in the same order;`,
    `${indent}// statistics every ${TRAINING.every} steps on the first 256 rows.`,
    `${indent}const trainings: WatchRecord[] = [];`,
    `${indent}for (const [label, build] of schemes) {`,
    `${indent}  const model = build();`,
    ...(own ? [`${indent}  if (model === ${own}) continue; // the notebook's own model is not trained here`] : []),
    `${indent}  const step = sgdSteps(model, x, y, { lr: ${TRAINING.lr}, batchSize: ${TRAINING.batchSize}, seed });`,
    `${indent}  trainings.push(await record(model, step, { x, y, steps: ${steps}, every: ${TRAINING.every}, label, live: false }));`,
    `${indent}  model.dispose();`,
    `${indent}}`,
  ];
}

export function compareNotebook(options: CompareOptions): Notebook {
  const schemes = options.schemes.map(schemeLabel).join(', ');
  const intro = [
    `# Compare initializations`,
    ``,
    `**Schemes:** ${schemes}  `,
    `**Network:** ${options.depth} layers, width ${options.width}, activation ${options.activation}  `,
    `**Data:** ${DATA_LABELS[options.data]}  `,
    `**Seed:** ${options.seed}${options.trainSteps > 0 ? `  \n**Training:** ${options.trainSteps} steps of plain SGD per scheme` : ''}`,
    ``,
    `Each scheme initializes the same network; one forward and backward pass then shows, layer by layer, whether activations and gradients keep their scale${options.trainSteps > 0 ? ', and training each shows whether it learns' : ''}. Edit any cell and run it again.`,
  ].join('\n');
  const training = options.trainSteps > 0;
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
      ...(training
        ? [
            markdown('compare-training-intro', 'Does each start train? The same SGD on the same batches: loss and std per layer over the steps, a column per scheme.'),
            code(COMPARE_CELL_IDS.training, [...trainingLoop(options.trainSteps, ''), 'charts.watch(trainings)'].join('\n')),
          ]
        : []),
      markdown('compare-verdict-intro', `The verdict: which schemes keep activation and gradient std in a healthy band at every layer${training ? ', and which then trained' : ''}.`),
      code(COMPARE_CELL_IDS.verdict, verdictCell(COMPARE_VERDICT_VARIABLE, training ? 'comparison, { trainings }' : 'comparison')),
      markdown('compare-spectrum-intro', SPECTRUM_INTRO),
      code(COMPARE_CELL_IDS.spectrum, spectrumCell()),
    ],
  };
}

/** A comparison on a model the notebook already defines: its variable name and shape, and the options that still apply. */
export interface ModelComparison extends Pick<CompareOptions, 'schemes' | 'data' | 'seed'>, Partial<Pick<CompareOptions, 'trainSteps'>> {
  /** How many examples; by default data.forModel's choice, which fits the probe in memory and time. */
  examples?: number;
  /** The variable that holds the model, e.g. `net`. */
  model: string;
  /** What it is, e.g. "784 → 100 → 1, relu" or "tf.LayersModel, 9 layers: conv2d ×3, …". */
  description: string;
}

/**
 * Cells to append to the notebook that defines the model. Everything they declare but one
 * name (`<model>Comparison`) stays inside a function, so the notebook's own `x`, `y` or
 * `reports` are never overwritten. `tag` keeps the cell ids unique when it runs again.
 */
export function compareOnModelCells(c: ModelComparison, tag: string): NbCell[] {
  const result = `${c.model}Comparison`;
  const trainSteps = c.trainSteps ?? 0;
  const id = (part: string) => `compare-${c.model}-${part}-${tag}`;
  const intro = [
    `## Compare initializations on \`${c.model}\``,
    ``,
    `**Model:** \`${c.model}\`, ${c.description}  `,
    `**Schemes:** ${c.schemes.map(schemeLabel).join(', ')}  `,
    `**Data asked for:** ${DATA_LABELS[c.data]}${c.examples ? `, ${c.examples.toLocaleString('en-US')} examples` : ''}. \`data.forModel\` fits it to the model (MNIST as 28 × 28 × 1 images for an image model, synthetic inputs when the model does not take MNIST, fewer examples when a pass would not fit in memory or in a few seconds): the first cell's output says what ran, how many examples and with what loss.  `,
    `**Seed:** ${c.seed}${trainSteps > 0 ? `  \n**Training:** ${trainSteps} steps of plain SGD per scheme` : ''}`,
    ``,
    `Each scheme re-initializes a copy of \`${c.model}\` (same layers, activation and loss: every kernel with the fans of its own shape, biases zero, BatchNorm reset); \`${c.model}\` itself keeps its weights.`,
  ].join('\n');
  const probe = [
    // Training awaits each step, so the function that keeps the names private is async then.
    trainSteps > 0 ? `const ${result} = await (async () => {` : `const ${result} = (() => {`,
    `  const { x, y, description, loss } = data.forModel(${c.model}, { data: '${c.data}', seed: ${c.seed}${c.examples ? `, examples: ${c.examples}` : ''} });`,
    `  console.log(\`data: \${description}\`);`,
    `  console.log(\`loss: \${loss}\`);`,
    `  const seed = ${c.seed};`,
    // Each copy has the type of the notebook's model: an nn.Model or a tf.LayersModel.
    ...schemeList(c.schemes, (init) => `nn.reinit(${c.model}, ${init}, { seed })`, '  ', `typeof ${c.model}`),
    `  // A model loaded with its trained weights is compared as it is, too.`,
    `  if (loadModel.info(${c.model})?.weightFiles.length) schemes.unshift(['as loaded (trained)', () => ${c.model}]);`,
    ...modelProbeLoop(c.model, '  '),
    ...(trainSteps > 0 ? trainingLoop(trainSteps, '  ', c.model) : []),
    `  tf.dispose([x, y]);`,
    trainSteps > 0 ? `  return { ...compareReports(reports), trainings };` : `  return compareReports(reports);`,
    `})();`,
    result,
  ].join('\n');
  return [
    markdown(id('intro'), intro),
    code(id('probe'), probe),
    code(id('histograms'), `charts.histograms(${result})`),
    code(id('theory'), `charts.theory(${result})`),
    ...(trainSteps > 0 ? [code(id('training'), `charts.watch(${result}.trainings)`)] : []),
    code(id('verdict'), verdictCell(modelVerdictVariable(c.model), trainSteps > 0 ? `${result}, { trainings: ${result}.trainings }` : result)),
  ];
}
