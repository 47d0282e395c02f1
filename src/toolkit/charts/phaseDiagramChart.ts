/**
 * The mean-field phase diagram: a heatmap of the depth scale ξ over (σ_w², σ_b²), the
 * order-to-chaos boundary χ₁ = 1 as a dashed line, and the point a chain or model sits at.
 *
 * Three sliders, Vega-Lite params bound to range inputs: σ_w, σ_b and the depth. None recomputes
 * theory (the kernel computed the grid; a browser cannot integrate at a slider's pace). σ_w and
 * σ_b move a cross over the heatmap and pick the nearest grid cell, whose ξ the readout under the
 * chart quotes; the depth shades the cells whose trainable depth 6ξ falls short of it, draws a
 * line at it in the side panel (6ξ along σ_w² at the chosen σ_b²), and the readout says whether
 * the chosen point trains at that depth. A static SVG of the spec shows the sliders' starting
 * values: the point as given.
 */
import { EXACT, VEGA_LITE_SCHEMA, type VegaLiteSpec } from './specCommon';

export interface PhaseDiagramInput {
  title?: string;
  sigmaW2: [number, number];
  sigmaB2: [number, number];
  /** Grid points per axis, ends included. */
  size: number;
  /** By cell, index j·size + i for σ_w² column i and σ_b² row j: the phase, χ₁ and ξ (Infinity at criticality). */
  phase: readonly string[];
  chi1: readonly number[];
  depthScale: readonly number[];
  boundary: readonly { sigmaB2: number; sigmaW2: number }[];
  /** Where the sliders start, marked with a ring: the point as given. */
  point: { sigmaW2: number; sigmaB2: number; label: string };
  /** The depth slider's start. */
  depth: number;
}

/** ξ beyond this is drawn as this (and read as unbounded): a colour scale cannot hold infinity. */
export const XI_CAP = 1e4;

const round = (x: number) => Number(x.toPrecision(6));
const round4 = (x: number) => Number(x.toPrecision(4));

/** The slider's expressions: the grid cell nearest to (σ_w², σ_b²), as column and row. */
function nearest(axis: [number, number], size: number, value: string): string {
  const step = (axis[1] - axis[0]) / (size - 1);
  return `clamp(round((${value} - ${axis[0]}) / ${step}), 0, ${size - 1})`;
}

export function phaseDiagramChart(input: PhaseDiagramInput): VegaLiteSpec {
  const { sigmaW2: w, sigmaB2: b, size } = input;
  if (!(Number.isInteger(size) && size >= 2)) throw new RangeError(`phaseDiagramChart: size must be an integer ≥ 2, got ${String(size)}`);
  const dw = (w[1] - w[0]) / (size - 1);
  const db = (b[1] - b[0]) / (size - 1);
  const cellCount = size * size;
  if (input.phase.length !== cellCount || input.chi1.length !== cellCount || input.depthScale.length !== cellCount) {
    throw new RangeError(`phaseDiagramChart: phase, chi1 and depthScale need size² = ${cellCount} values each, got ${input.phase.length}, ${input.chi1.length} and ${input.depthScale.length}`);
  }
  // The cells travel once, in short fields (the chart's 1,600 cells are most of its size), under
  // `datasets`; each view names them and spells them out with a transform.
  const phases = [...new Set(input.phase)];
  const cells = Array.from({ length: cellCount }, (_, k) => {
    const xi = input.depthScale[k];
    const unbounded = !(xi < XI_CAP);
    // Four digits: the chart shows three, and a 40 × 40 grid's spec is a third smaller than at six.
    return { i: k % size, j: Math.floor(k / size), p: phases.indexOf(input.phase[k]), c: round4(input.chi1[k]), x: unbounded ? XI_CAP : round4(Math.max(xi, 1e-3)), ...(unbounded ? { u: true } : {}) };
  });
  const spelled = [
    { calculate: `${w[0]} + datum.i * ${dw}`, as: 'sigmaW2' },
    { calculate: `${b[0]} + datum.j * ${db}`, as: 'sigmaB2' },
    { calculate: `${JSON.stringify(phases).replace(/"/g, "'")}[datum.p]`, as: 'phase' },
    { calculate: 'datum.c', as: 'chi1' },
    { calculate: 'datum.x', as: 'xi' },
    { calculate: '6 * datum.x', as: 'trainable' },
    { calculate: 'datum.u == true', as: 'unbounded' },
  ];
  const cellData = { name: 'cells' };
  const sigmaWRange = [Math.sqrt(w[0]), Math.sqrt(w[1])];
  const sigmaBRange = [Math.sqrt(b[0]), Math.sqrt(b[1])];
  const depthMax = Math.max(200, 2 * input.depth);
  const params = [
    { name: 'sigmaW', value: round(Math.sqrt(input.point.sigmaW2)), bind: { input: 'range', min: round(sigmaWRange[0]), max: round(sigmaWRange[1]), step: round((sigmaWRange[1] - sigmaWRange[0]) / 400), name: 'σ_w ' } },
    { name: 'sigmaB', value: round(Math.sqrt(input.point.sigmaB2)), bind: { input: 'range', min: round(sigmaBRange[0]), max: round(sigmaBRange[1]), step: round((sigmaBRange[1] - sigmaBRange[0]) / 400), name: 'σ_b ' } },
    { name: 'depth', value: input.depth, bind: { input: 'range', min: 1, max: depthMax, step: 1, name: 'depth ' } },
  ];
  const x = { title: 'σ_w²', scale: { domain: [w[0] - dw / 2, w[1] + dw / 2], nice: false, zero: false } };
  const y = { title: 'σ_b²', scale: { domain: [b[0] - db / 2, b[1] + db / 2], nice: false, zero: false } };
  const selected = `datum.i == ${nearest(w, size, 'sigmaW * sigmaW')} && datum.j == ${nearest(b, size, 'sigmaB * sigmaB')}`;
  const xiText = "(datum.unbounded ? '∞' : format(datum.xi, '.3~g'))";
  const heatmap: VegaLiteSpec = {
    width: 300,
    height: 260,
    title: 'depth scale ξ over (σ_w², σ_b²)',
    layer: [
      {
        data: cellData,
        transform: [...spelled, { calculate: `datum.sigmaW2 - ${dw / 2}`, as: 'x0' }, { calculate: `datum.sigmaW2 + ${dw / 2}`, as: 'x1' }, { calculate: `datum.sigmaB2 - ${db / 2}`, as: 'y0' }, { calculate: `datum.sigmaB2 + ${db / 2}`, as: 'y1' }],
        mark: { type: 'rect' },
        encoding: {
          x: { field: 'x0', type: 'quantitative', ...x },
          x2: { field: 'x1' },
          y: { field: 'y0', type: 'quantitative', ...y },
          y2: { field: 'y1' },
          color: { field: 'xi', type: 'quantitative', title: 'ξ (layers)', scale: { type: 'log', scheme: 'viridis' } },
          // Cells whose trainable depth 6ξ is below the chosen depth fade: what stays bright trains.
          opacity: { condition: { test: 'datum.unbounded || datum.trainable >= depth', value: 1 }, value: 0.35 },
          tooltip: [
            { field: 'sigmaW2', title: 'σ_w²' },
            { field: 'sigmaB2', title: 'σ_b²' },
            { field: 'phase' },
            { field: 'chi1', title: 'χ₁', format: '.4~g' },
            { field: 'xi', title: 'ξ', format: EXACT },
            { field: 'trainable', title: '6ξ', format: '.3~g' },
          ],
        },
      },
      ...(input.boundary.length
        ? [
            {
              data: { values: input.boundary.map((p) => ({ sigmaW2: p.sigmaW2, sigmaB2: p.sigmaB2, name: 'χ₁ = 1' })) },
              mark: { type: input.boundary.length > 1 ? 'line' : 'point', color: '#111111', strokeDash: [6, 3], strokeWidth: 2 },
              encoding: { x: { field: 'sigmaW2', type: 'quantitative', ...x }, y: { field: 'sigmaB2', type: 'quantitative', ...y }, order: { field: 'sigmaB2' }, tooltip: [{ field: 'name', title: 'boundary' }, { field: 'sigmaW2', title: 'σ_w²', format: '.4~g' }, { field: 'sigmaB2', title: 'σ_b²', format: '.4~g' }] },
            },
          ]
        : []),
      {
        data: { values: [{ sigmaW2: input.point.sigmaW2, sigmaB2: input.point.sigmaB2, label: input.point.label }] },
        mark: { type: 'point', shape: 'circle', filled: false, size: 260, strokeWidth: 2, color: '#ffffff' },
        encoding: { x: { field: 'sigmaW2', type: 'quantitative', ...x }, y: { field: 'sigmaB2', type: 'quantitative', ...y }, tooltip: [{ field: 'label', title: 'as given' }, { field: 'sigmaW2', title: 'σ_w²', format: '.4~g' }, { field: 'sigmaB2', title: 'σ_b²', format: '.4~g' }] },
      },
      {
        data: { values: [{}] },
        transform: [
          { calculate: 'sigmaW * sigmaW', as: 'sw2' },
          { calculate: 'sigmaB * sigmaB', as: 'sb2' },
        ],
        mark: { type: 'point', shape: 'cross', filled: true, size: 180, color: '#e5484d', stroke: '#ffffff', strokeWidth: 1 },
        encoding: { x: { field: 'sw2', type: 'quantitative', ...x }, y: { field: 'sb2', type: 'quantitative', ...y }, tooltip: [{ field: 'sw2', title: 'σ_w² (sliders)', format: '.4~g' }, { field: 'sb2', title: 'σ_b² (sliders)', format: '.4~g' }] },
      },
    ],
  };
  const sliceX = { title: 'σ_w²', scale: { domain: [w[0], w[1]], nice: false, zero: false } };
  const slice: VegaLiteSpec = {
    width: 240,
    height: 260,
    title: 'trainable depth 6ξ at the chosen σ_b²',
    layer: [
      {
        data: cellData,
        transform: [{ filter: `datum.j == ${nearest(b, size, 'sigmaB * sigmaB')}` }, ...spelled],
        mark: { type: 'line', point: false },
        encoding: {
          x: { field: 'sigmaW2', type: 'quantitative', ...sliceX },
          y: { field: 'trainable', type: 'quantitative', title: '6ξ (layers, log scale)', scale: { type: 'log' } },
          tooltip: [{ field: 'sigmaW2', title: 'σ_w²' }, { field: 'sigmaB2', title: 'σ_b²' }, { field: 'trainable', title: '6ξ', format: '.3~g' }, { field: 'phase' }],
        },
      },
      {
        data: { values: [{}] },
        transform: [{ calculate: 'depth', as: 'depth' }],
        mark: { type: 'rule', color: '#e5484d', strokeDash: [4, 3] },
        encoding: { y: { field: 'depth', type: 'quantitative' }, tooltip: [{ field: 'depth', title: 'chosen depth' }] },
      },
      {
        data: { values: [{}] },
        transform: [{ calculate: 'sigmaW * sigmaW', as: 'sw2' }],
        mark: { type: 'rule', color: '#e5484d' },
        encoding: { x: { field: 'sw2', type: 'quantitative', ...sliceX } },
      },
    ],
  };
  const line = (expr: string, dy: number): VegaLiteSpec => ({
    data: cellData,
    transform: [{ filter: selected }, ...spelled, { calculate: expr, as: 'text' }],
    mark: { type: 'text', align: 'left', baseline: 'top', fontSize: 12, dy },
    encoding: { x: { value: 0 }, y: { value: 0 }, text: { field: 'text' } },
  });
  // Short lines: with no browser to measure text, Vega guesses its width generously, and a long
  // line would push the legend far off to the right of the static SVG.
  const readout: VegaLiteSpec = {
    width: 600,
    height: 54,
    view: { stroke: null },
    layer: [
      line(`'σ_w = ' + format(sigmaW, '.3f') + ' (σ_w² = ' + format(sigmaW * sigmaW, '.3~g') + '), σ_b = ' + format(sigmaB, '.3f') + ' (σ_b² = ' + format(sigmaB * sigmaB, '.3~g') + '): ' + datum.phase`, 0),
      line(`'χ₁ ≈ ' + format(datum.chi1, '.3~g') + ', ξ ≈ ' + ${xiText} + ' layers (nearest grid cell), trains to ' + (datum.unbounded ? 'any depth' : 'about ' + format(datum.trainable, '.3~g') + ' layers')`, 18),
      line(`'depth ' + depth + ': ' + (datum.unbounded || datum.trainable >= depth ? 'within reach' : 'too deep')`, 36),
    ],
  };
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(input.title ? { title: input.title } : {}),
    params,
    datasets: { cells },
    vconcat: [{ hconcat: [heatmap, slice] }, readout],
  };
}
