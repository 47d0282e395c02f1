/**
 * The derivatives of sigmoid, tanh and ReLU over z, for the lessons: sigmoid' peaks at 0.25 and
 * is nearly 0 outside (-4, 4), which is why a large weight or a deep sigmoid stack vanishes.
 * The curves are computed here from their formulas, not sampled from the engine.
 */
import { VEGA_LITE_SCHEMA, type VegaLiteSpec } from './specCommon';
import type { ActivationName } from '../../shared/names';

/** The activations with a derivative curve: leaky ReLU's is ReLU's with its slope, and 'none' has none. */
export type CurvedActivation = Extract<ActivationName, 'sigmoid' | 'tanh' | 'relu'>;

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export const derivatives: Record<CurvedActivation, (z: number) => number> = {
  sigmoid: (z) => sigmoid(z) * (1 - sigmoid(z)),
  tanh: (z) => 1 - Math.tanh(z) ** 2,
  // ReLU has no derivative at 0; like PyTorch we take 0 there.
  relu: (z) => (z > 0 ? 1 : 0),
};

export interface DerivativeChartOptions {
  activations?: readonly CurvedActivation[];
  from?: number;
  to?: number;
  points?: number;
  /** Points to mark on the curves, e.g. { z: 14.15, activation: 'sigmoid' } from lesson B. */
  marks?: readonly { z: number; activation: CurvedActivation; label?: string }[];
  title?: string;
}

export function derivativeChart(options: DerivativeChartOptions = {}): VegaLiteSpec {
  const activations = options.activations ?? ['sigmoid', 'tanh', 'relu'];
  const from = options.from ?? -8;
  const to = options.to ?? 8;
  const n = options.points ?? 321;
  const values = activations.flatMap((activation) =>
    Array.from({ length: n }, (_, i) => {
      const z = from + ((to - from) * i) / (n - 1);
      return { activation: `${activation}'`, z, derivative: derivatives[activation](z) };
    }),
  );
  const marks = (options.marks ?? []).map((m) => {
    const d = derivatives[m.activation](m.z);
    return { activation: `${m.activation}'`, z: m.z, derivative: d, label: m.label ?? `${m.activation}'(${m.z}) = ${d.toExponential(2)}` };
  });
  const layers: VegaLiteSpec[] = [
    {
      data: { values },
      mark: { type: 'line' },
      encoding: {
        x: { field: 'z', type: 'quantitative', title: 'z' },
        y: { field: 'derivative', type: 'quantitative', title: "derivative f'(z)" },
        color: { field: 'activation', type: 'nominal', title: null },
        tooltip: [{ field: 'activation' }, { field: 'z', format: '.3f' }, { field: 'derivative', format: '.4~e' }],
      },
    },
  ];
  if (marks.length) {
    layers.push(
      { data: { values: marks }, mark: { type: 'point', filled: true, size: 70, color: '#e5484d' }, encoding: { x: { field: 'z', type: 'quantitative' }, y: { field: 'derivative', type: 'quantitative' }, tooltip: [{ field: 'label' }] } },
      { data: { values: marks }, mark: { type: 'text', align: 'right', dx: -6, dy: -10, color: '#e5484d' }, encoding: { x: { field: 'z', type: 'quantitative' }, y: { field: 'derivative', type: 'quantitative' }, text: { field: 'label' } } },
    );
  }
  return { $schema: VEGA_LITE_SCHEMA, ...(options.title ? { title: options.title } : {}), width: 480, height: 220, layer: layers };
}
