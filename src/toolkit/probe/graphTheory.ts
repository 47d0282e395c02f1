/**
 * Variance-propagation theory over a graph of nodes (graph.ts): what each node's output and
 * input-gradient std should be, given the measured input, the measured weights and the measured
 * gradient at the model's output. The rules, each under the usual assumptions (zero-mean
 * independent weights, zero biases, Gaussian pre-activations, independent inputs):
 *
 *   weighted   dense, conv, linear: Var(z) = fanIn · Var(w) · E[x²]; a conv's fanIn is
 *              kernel height × kernel width × input channels. Backward: E[g_in²] =
 *              backwardFan · Var(w) · E[g_z²], the backward fan of a conv being
 *              kh · kw · out channels / stride area. Then the node's activation, as theory.ts.
 *   normalize  BatchNorm (batch statistics) and LayerNorm reset the signal: E[y²] = E[γ²] + E[β²],
 *              whatever came in; backward E[g_in²] = E[γ²] · E[g_out²] / Var(x).
 *   sum        residual adds: the variances add (independent branches); the gradient reaches
 *              every branch whole.
 *   concat     the channels' moments, weighted by each input's share.
 *   averagePool  the mean stays, the variance is divided by the window (independent inputs:
 *              neighbouring pixels are correlated in practice, so this is a lower bound);
 *              backward E[g_in²] = E[g_out²] / (window · stride area).
 *   maxPool    no forward prediction (the max of correlated values has no closed form); backward
 *              the gradient reaches one input per window: E[g_in²] = E[g_out²] / stride area.
 *   identity   flatten, reshape, dropout (off while probing).
 *
 * The backward walk starts at the model's output from the loss's own formula for its gradient,
 * given the output's measured error e (lossTheory.ts reads it once from the output and the
 * targets). M is the number of terms the loss averages (the batch, times the positions of a
 * sequence or an image: the output's size over its last axis) and K the output's last axis
 * (classes or units); tf.layers' losses take the mean over K and the probe the mean over M:
 *
 *   softmax    with (sparse) categorical cross-entropy, at the logits z: ∂L/∂z = (p − y)/M, so
 *              E[g_z²] = E[e²]/M², e = p − y over the M·K elements. Not through the softmax's
 *              derivative: it is not elementwise, and df(z)·∂L/∂p is not ∂L/∂z.
 *   sigmoid    with binary cross-entropy, at the logits: ∂L/∂z = (p − y)/(M·K), so
 *              E[g_z²] = E[e²]/(M·K)².
 *   MSE        at the output ŷ: ∂L/∂ŷ = 2(ŷ − y)/(M·K), so E[g_ŷ²] = 4·E[e²]/(M·K)², then through
 *              the output's activation as any node's.
 *   nn.CrossEntropy  takes logits and applies the softmax itself: ∂L/∂z = (softmax(z) − y)/N
 *              at the node's output, N the batch.
 *
 * The cross-entropies clip p to [ε, 1 − ε] (ε = 1e-7) and pass no gradient where they clip, so
 * e counts only what they pass: e = p·Σ_k y_k·m_k − y·m, m = 1 where p_k is inside the clip,
 * which is m·(p − y) for one-hot y, and 0 for an example whose softmax is saturated (its
 * gradient is exactly 0, as TensorFlow.js computes it). Without a loss rule (another loss, a
 * loss function of the user's, a softmax trained with MSE) the walk starts from the gradient
 * measured at the output, through the output's activation as above, and through a softmax it
 * has no prediction.
 *
 * A node with no rule, or whose inputs have no prediction, says "no prediction" (null); the
 * nodes after it start again from what was measured at their inputs, so one unknown layer does
 * not blank the rest of the network. A tensor read by several nodes gets the sum of their
 * gradients' second moments.
 */
import type { NodeTheory } from './graph';
import { gaussianExpectation, type ActivationFunction } from './theory';

/** First and second moment of a signal: E[x] and E[x²]. */
export interface Moments {
  mean: number;
  secondMoment: number;
}

export interface TheoryNode {
  name: string;
  inputs: readonly string[];
  theory: NodeTheory;
  /** Var of the main weight (kernel, embeddings), measured. */
  weightVariance?: number;
  /** E[w²] of an embedding table. */
  weightSecondMoment?: number;
  pointwiseVariance?: number;
  /** E[γ²], E[β] and E[β²] of a normalization, measured. */
  gammaSecondMoment?: number;
  betaMean?: number;
  betaSecondMoment?: number;
  /** What was measured at the node's output, where a prediction has to start again. */
  measuredOutput?: Moments;
  /** E[(∂L/∂output)²] measured at the node's output: where the backward walk starts without a loss rule. */
  measuredOutputGrad?: number;
  /** The loss this output node feeds, with its measured error: where the backward walk starts. */
  loss?: OutputLoss;
}

/** A loss at an output node, as the header's loss rules read it. */
export interface OutputLoss {
  rule: 'softmaxCrossEntropy' | 'sigmoidCrossEntropy' | 'meanSquaredError';
  /**
   * Where the rule gives the gradient: 'logits', the input of the node's softmax or sigmoid (a
   * dense layer's pre-activation, or an activation layer's input); 'output', the node's output.
   */
  at: 'logits' | 'output';
  /** E[e²] over the output's elements (the header's e, measured). */
  errorSecondMoment: number;
  /** M: the terms the loss averages (for nn.CrossEntropy, the batch N). */
  terms: number;
  /** K: the output's last axis. */
  units: number;
}

/** E[g²] where the loss's rule gives the gradient (see the header). */
export function lossGradientSecondMoment(loss: OutputLoss): number {
  const { errorSecondMoment: e2, terms: m, units: k } = loss;
  switch (loss.rule) {
    case 'softmaxCrossEntropy':
      return e2 / (m * m);
    case 'sigmoidCrossEntropy':
      return e2 / (m * k) ** 2;
    case 'meanSquaredError':
      return (4 * e2) / (m * k) ** 2;
  }
}

export interface NodePrediction {
  preActivationStd: number | null;
  activationStd: number | null;
  inputGradStd: number | null;
}

const variance = (m: Moments) => Math.max(0, m.secondMoment - m.mean * m.mean);

/** E[h(z)] for z ~ N(mean, var). */
function expectation(h: (z: number) => number, m: Moments): number {
  return gaussianExpectation((z) => h(z + m.mean), variance(m));
}

function through(activation: ActivationFunction, m: Moments): Moments {
  return { mean: expectation(activation.f, m), secondMoment: expectation((z) => activation.f(z) ** 2, m) };
}

interface Forward {
  pre: Moments | null;
  out: Moments | null;
}

function forwardThrough(node: TheoryNode, inputs: (Moments | null)[]): Forward {
  const t = node.theory;
  const first = inputs[0] ?? null;
  switch (t.rule) {
    case 'weighted': {
      if (!first || node.weightVariance === undefined) return { pre: null, out: null };
      let q = t.fanIn * node.weightVariance * first.secondMoment;
      if (t.pointwiseFanIn !== undefined) q *= t.pointwiseFanIn * (node.pointwiseVariance ?? NaN);
      const pre = { mean: 0, secondMoment: q };
      return { pre, out: t.activation && through(t.activation, pre) };
    }
    case 'lookup':
      return node.weightSecondMoment === undefined ? { pre: null, out: null } : { pre: null, out: { mean: 0, secondMoment: node.weightSecondMoment } };
    case 'normalize':
      if (node.gammaSecondMoment === undefined) return { pre: null, out: null };
      return { pre: null, out: { mean: node.betaMean ?? 0, secondMoment: node.gammaSecondMoment + (node.betaSecondMoment ?? 0) } };
    case 'activation':
      return { pre: first, out: first && through(t.activation, first) };
    case 'identity':
      return { pre: null, out: first };
    case 'sum': {
      if (inputs.some((m) => !m)) return { pre: null, out: null };
      const ms = inputs as Moments[];
      const mean = ms.reduce((s, m) => s + m.mean, 0);
      // E[(Σx)²] = Σ Var + (Σ mean)² for independent branches.
      return { pre: null, out: { mean, secondMoment: ms.reduce((s, m) => s + variance(m), 0) + mean * mean } };
    }
    case 'concat': {
      if (inputs.some((m) => !m)) return { pre: null, out: null };
      const total = t.sizes.reduce((a, b) => a + b, 0);
      const share = (i: number) => t.sizes[i] / total;
      const ms = inputs as Moments[];
      return { pre: null, out: { mean: ms.reduce((s, m, i) => s + share(i) * m.mean, 0), secondMoment: ms.reduce((s, m, i) => s + share(i) * m.secondMoment, 0) } };
    }
    case 'averagePool':
      return { pre: null, out: first && { mean: first.mean, secondMoment: first.mean ** 2 + variance(first) / t.window } };
    case 'maxPool':
    case 'unknown':
      return { pre: null, out: null };
  }
}

/** E[g_in²] at each input of a node, given E[g_out²] at its output. */
function backwardThrough(node: TheoryNode, gOut: number, pre: Moments | null, inputs: (Moments | null)[]): (number | null)[] {
  const t = node.theory;
  const first = inputs[0] ?? null;
  switch (t.rule) {
    case 'weighted': {
      if (!pre || !t.activation) return [null];
      const { df } = t.activation;
      return [throughWeights(node, gOut * expectation((z) => df(z) ** 2, pre))];
    }
    case 'lookup':
      return [null];
    case 'normalize':
      return [first && node.gammaSecondMoment !== undefined ? (node.gammaSecondMoment * gOut) / variance(first) : null];
    case 'activation':
      return [first && gOut * expectation((z) => t.activation.df(z) ** 2, first)];
    case 'identity':
    case 'sum':
    case 'concat':
      return inputs.map(() => gOut);
    case 'averagePool':
      return [gOut / (t.window * t.stride)];
    case 'maxPool':
      return [gOut / t.stride];
    case 'unknown':
      return inputs.map(() => null);
  }
}

/** E[g_in²] of a weighted node, given E[g_z²] at its pre-activation. */
function throughWeights(node: TheoryNode, gZ: number): number | null {
  const t = node.theory;
  if (t.rule !== 'weighted' || node.weightVariance === undefined) return null;
  let g = gZ;
  if (t.pointwiseBackwardFan !== undefined) g *= t.pointwiseBackwardFan * (node.pointwiseVariance ?? NaN);
  return t.backwardFan * node.weightVariance * g;
}

/**
 * E[g_in²] at the inputs of an output node whose loss gives the gradient at its logits: a
 * weighted node's pre-activation, or the input of a softmax or sigmoid applied on its own.
 */
function backwardFromLogits(node: TheoryNode, gZ: number): (number | null)[] {
  if (node.theory.rule === 'weighted') return [throughWeights(node, gZ)];
  return node.inputs.length === 1 ? [gZ] : node.inputs.map(() => null);
}

/**
 * Predictions for every node, in the nodes' (topological) order. `input` is the data's measured
 * moments; output nodes are those with `measuredOutputGrad`.
 */
export function predictGraph(nodes: readonly TheoryNode[], input: Moments): NodePrediction[] {
  const predicted = new Map<string, Moments | null>([['input', input]]);
  const measured = new Map<string, Moments | undefined>(nodes.map((n) => [n.name, n.measuredOutput]));
  const startOf = (name: string): Moments | null => predicted.get(name) ?? measured.get(name) ?? null;
  const forward = nodes.map((node) => {
    const ins = node.inputs.map(startOf);
    const f = forwardThrough(node, ins);
    predicted.set(node.name, f.out);
    return { ...f, ins };
  });

  // Backward: walk the nodes in reverse, adding each consumer's contribution to its inputs.
  const gradAt = new Map<string, number | null>();
  const add = (name: string, g: number | null) => {
    const had = gradAt.get(name);
    gradAt.set(name, had === null || g === null ? null : (had ?? 0) + g);
  };
  const inputGrad: (number | null)[] = new Array(nodes.length).fill(null);
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i];
    // A node nothing downstream reached is an output: start from its loss's rule, or else from
    // the gradient measured there.
    const loss = gradAt.has(node.name) ? undefined : node.loss;
    const gOut = gradAt.has(node.name) ? gradAt.get(node.name)! : loss?.at === 'output' ? lossGradientSecondMoment(loss) : (node.measuredOutputGrad ?? null);
    const gIns =
      loss?.at === 'logits'
        ? backwardFromLogits(node, lossGradientSecondMoment(loss))
        : gOut === null
          ? node.inputs.map(() => null)
          : backwardThrough(node, gOut, forward[i].pre ?? forward[i].ins[0], forward[i].ins);
    node.inputs.forEach((name, k) => add(name, gIns[k] ?? null));
    inputGrad[i] = node.inputs.length === 1 ? (gIns[0] ?? null) : null;
  }
  // The gradient at a node's input is the total over every node that reads that tensor.
  nodes.forEach((node, i) => {
    if (node.inputs.length === 1) inputGrad[i] = gradAt.get(node.inputs[0]) ?? null;
  });

  const std = (m: Moments | null) => (m ? Math.sqrt(variance(m)) : null);
  const root = (g: number | null) => (g === null || !Number.isFinite(g) ? (g === null ? null : NaN) : Math.sqrt(g));
  return forward.map((f, i) => ({
    preActivationStd: f.pre && nodes[i].theory.rule === 'weighted' ? std(f.pre) : null,
    activationStd: std(f.out),
    inputGradStd: root(inputGrad[i]),
  }));
}
