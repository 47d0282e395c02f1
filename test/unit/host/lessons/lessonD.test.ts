// Lesson D executed headless with the real kernel, top to bottom, and every figure its prose
// states checked against the numbers its cells print: the explode/vanish factors, the order and
// chaos of two inputs' correlation against the theory's map, the critical points, the Jacobian
// spectra and the width sweep.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import { Writable } from 'node:stream';
import { executeNotebook } from '../../../../src/cli/runNotebook';
import { lessonNotebook } from '../../../../src/host/lessons';
import { lessonD } from '../../../../src/host/lessons/lessonD';
import { MimeTypes } from '../../../../src/shared/mimeTypes';
import type { CodeCell, Notebook } from '../../../../src/shared/notebookFormat';
import { joinLines } from '../../../../src/format/initnbFormat';
import { kernelEntry } from '../../support/kernelBuild';

const quiet = () => new Writable({ write: (_c, _e, done) => done() });

const cell = (notebook: Notebook, id: string) => {
  const found = notebook.cells.find((c): c is CodeCell => c.id === id && c.cell_type === 'code');
  assert.ok(found, `lesson D has a code cell "${id}"`);
  return found;
};
const streamOf = (notebook: Notebook, id: string, name: 'stdout' | 'stderr') =>
  cell(notebook, id)
    .outputs.map((o) => (o.output_type === 'stream' && o.name === name ? joinLines(o.text) : ''))
    .join('');
const stdout = (notebook: Notebook, id: string) => streamOf(notebook, id, 'stdout');
/** The numbers of the first line matching `line`, in order: "a, b, c" after the match's group. */
const numbers = (line: RegExp, output: string): number[] => {
  const match = output.match(line);
  assert.ok(match, `a line matching ${line} in:\n${output}`);
  return match[1].trim().split(/,\s*/).map((v) => Number(v.replace(/^.*\s/, '')));
};
/** The charts a cell displayed: their kind, spec and the report kept beside them. */
const charts = (notebook: Notebook, id: string) =>
  cell(notebook, id).outputs.flatMap((o) => {
    if (o.output_type !== 'execute_result' && o.output_type !== 'display_data') return [];
    const payload = o.data[MimeTypes.chart] as { kind: string; spec: { params?: { name: string; bind?: { input: string } }[] }; data?: unknown } | undefined;
    return payload ? [payload] : [];
  });
const number = (line: RegExp, output: string): number => {
  const match = output.match(line);
  assert.ok(match, `a line matching ${line} in:\n${output}`);
  return Number(match[1]);
};

test('lesson D runs top to bottom with no error output, and its figures say what its prose says', async () => {
  const notebook = lessonNotebook(lessonD, 'vi');
  const entry = await kernelEntry();
  const started = Date.now();
  const summary = await executeNotebook(notebook, { cwd: os.tmpdir(), kernelEntry: entry, stdout: quiet(), stderr: quiet() });
  const seconds = (Date.now() - started) / 1000;
  const failed = summary.failedCell ? notebook.cells[summary.failedCell - 1] : undefined;
  assert.ok(summary.ok, `cell ${summary.failedCell} failed: ${failed?.cell_type === 'code' ? JSON.stringify(failed.outputs) : ''}`);
  // No cell writes to stderr or ends in an error (a warning from tfjs or the toolkit would).
  for (const c of notebook.cells) {
    if (c.cell_type !== 'code') continue;
    for (const o of c.outputs) {
      assert.notEqual(o.output_type, 'error', `cell ${c.id} has an error output`);
      if (o.output_type === 'stream') assert.equal(o.name, 'stdout', `cell ${c.id} wrote to stderr: ${joinLines(o.text)}`);
    }
  }
  console.log(`figure: lesson D ran headless in ${seconds.toFixed(1)} s (the whole notebook, kernel start included)`);

  // 1. ReLU multiplies the std by √(σ_w²/2) per layer (the geometric mean over 29 layers of
  // 400 units: within 3%); tanh at σ_w² = 0.5 vanishes, and at (5/3)² holds near its q*.
  const recap = stdout(notebook, 'recap');
  for (const sigmaW2 of [1, 2, 4]) {
    const perLayer = number(new RegExp(`relu σ_w² = ${sigmaW2.toFixed(2)}:.*\\(×(\\S+) per layer`), recap);
    assert.ok(Math.abs(perLayer / Math.sqrt(sigmaW2 / 2) - 1) < 0.03, `ReLU σ_w² = ${sigmaW2}: ×${perLayer} per layer, theory ×${Math.sqrt(sigmaW2 / 2)}`);
  }
  const reluExplodes = numbers(/relu σ_w² = 4\.00: std at layers 1, 10, 20, 30: ([^(]+)/, recap);
  assert.ok(reluExplodes[3] > 1e4, `ReLU σ_w² = 4 at layer 30: ${reluExplodes[3]}`);
  const tanhVanishes = numbers(/tanh σ_w² = 0\.50: std at layers 1, 10, 20, 30: ([^(]+)/, recap);
  assert.ok(tanhVanishes[3] < 1e-3, `tanh σ_w² = 0.5 at layer 30: ${tanhVanishes[3]}`);
  const tanhHolds = numbers(/tanh σ_w² = 2\.78: std at layers 1, 10, 20, 30: ([^(]+)/, recap);
  tanhHolds.slice(1).forEach((s, i) => assert.ok(s > 0.8 && s < 1.4, `tanh σ_w² = 2.78, std ${s} at the ${['10th', '20th', '30th'][i]} layer`));

  // tanh at torch's gain settles at √q* (q* = 1.178 from the variance map): within 15% on 400 units.
  const qStar = number(/tanh σ_w² = 2\.78: q\* = (\S+),/, recap);
  assert.ok(Math.abs(qStar - 1.178) < 0.005, `tanh q* at σ_w² = 25/9: ${qStar}`);
  tanhHolds.slice(1).forEach((s) => assert.ok(Math.abs(s / Math.sqrt(qStar) - 1) < 0.15, `tanh σ_w² = 2.78: std ${s} against √q* = ${Math.sqrt(qStar)}`));

  // 2. Order and chaos: the mean c over 8 pairs of 400 units follows the theory's map within 0.1
  // at every layer printed, in each phase and from both starts.
  const correlation = stdout(notebook, 'correlation');
  const chains = [...correlation.matchAll(/\((ordered|critical|chaotic)\), c₀ = (\S+): measured \(theory\) at layers 1, 5, 10, 20, 30: (.*)/g)].map((m) => ({
    phase: m[1],
    start: Number(m[2]),
    pairs: [...m[3].matchAll(/(\S+) \((\S+)\)/g)].map((p) => ({ measured: Number(p[1]), theory: Number(p[2]) })),
  }));
  assert.equal(chains.length, 6, correlation);
  for (const chain of chains) {
    assert.equal(chain.pairs.length, 5);
    chain.pairs.forEach(({ measured, theory }, i) =>
      assert.ok(Math.abs(measured - theory) < 0.1, `${chain.phase} from c₀ = ${chain.start}, layer ${[1, 5, 10, 20, 30][i]}: measured ${measured}, theory ${theory}`),
    );
    const gap = Math.max(...chain.pairs.map((p) => Math.abs(p.measured - p.theory)));
    console.log(`figure: lesson D correlation, ${chain.phase} from ${chain.start}: at layer 30 measured ${chain.pairs[4].measured}, theory ${chain.pairs[4].theory}; largest gap ${gap.toFixed(3)}`);
  }
  const at30 = (phase: string, start: number) => chains.find((c) => c.phase === phase && c.start === start)!.pairs[4];
  // Ordered: nearly unrelated inputs become the same. Chaotic: nearly identical ones are torn apart,
  // towards c* = 0.165 (σ_w² = 4, σ_b² = 0.05). Critical: the nearly identical pair stays so.
  assert.ok(at30('ordered', 0.2).measured > 0.99 && at30('ordered', 0.2).theory > 0.99);
  assert.ok(at30('chaotic', 0.99).measured < 0.4 && at30('chaotic', 0.99).theory < 0.3);
  assert.ok(Math.abs(at30('chaotic', 0.2).theory - 0.165) < 0.01, `c* ${at30('chaotic', 0.2).theory}`);
  assert.ok(at30('critical', 0.99).measured > 0.95);
  assert.equal(charts(notebook, 'correlation').length, 0, 'a plain Vega-Lite chart, not an InitLab one');

  // 3. The critical points at σ_b = 0 within 1% (ReLU: χ₁ = σ_w²/2; tanh: χ₁ = σ_w² φ′(0)² at q* = 0;
  // sigmoid: 103.008 by adaptive quadrature in SciPy, scripted for this test's figures).
  const three = stdout(notebook, 'three');
  const criticalOf = (activation: string) => number(new RegExp(`${activation}: critical point at σ_b = 0: σ_w² = (\\S+)`), three);
  for (const [activation, expected] of [['relu', 2], ['tanh', 1], ['sigmoid', 103.008]] as const) {
    const found = criticalOf(activation);
    assert.ok(Math.abs(found / expected - 1) < 0.01, `${activation}'s critical σ_w² ${found}, theory ${expected}`);
    console.log(`figure: lesson D ${activation} critical point σ_w² = ${found} (theory ${expected})`);
  }
  const row = (label: string) => {
    const m = three.match(new RegExp(`^${label}, σ_w² = \\S+: q\\* = (\\S+), χ₁ = (\\S+), (\\w+), ξ_c = (\\S+), trainable to about 6 ξ_c = (\\S+) layers`, 'm'));
    assert.ok(m, `a line for ${label} in:\n${three}`);
    const value = (v: string) => (v === '∞' ? Infinity : Number(v));
    return { qStar: value(m[1]), chi1: value(m[2]), phase: m[3], xiC: value(m[4]), trainable: value(m[5]) };
  };
  const he = row('ReLU, He');
  assert.equal(he.phase, 'critical');
  assert.equal(he.xiC, Infinity);
  const glorot = row('ReLU, Glorot on square layers');
  assert.equal(glorot.phase, 'ordered');
  assert.ok(Math.abs(glorot.chi1 - 0.5) < 1e-3 && Math.abs(glorot.xiC - 1 / Math.LN2) < 0.01, `ReLU σ_w² = 1: χ₁ ${glorot.chi1}, ξ_c ${glorot.xiC}`);
  assert.ok(Math.abs(glorot.trainable - 6 / Math.LN2) < 0.02, `"about 9 layers": ${glorot.trainable}`);
  const xavierTanh = row('tanh, Xavier on square layers');
  assert.ok(xavierTanh.phase === 'critical' && xavierTanh.qStar === 0 && xavierTanh.xiC === Infinity, `tanh at σ_w² = 1: ${JSON.stringify(xavierTanh)}`);
  const torch = row('tanh, torch’s gain 5/3');
  assert.equal(torch.phase, 'chaotic');
  // χ₁ and ξ_c at (25/9, 0) from Gauss-Hermite quadrature (161 nodes) in NumPy: 1.2098 and 12.118.
  assert.ok(Math.abs(torch.chi1 - 1.2098) < 0.002 && Math.abs(torch.xiC - 12.12) < 0.05, `tanh 5/3: χ₁ ${torch.chi1}, ξ_c ${torch.xiC}`);
  assert.ok(Math.abs(torch.trainable - 6 * torch.xiC) < 0.2);
  const sigmoid = row('sigmoid, Xavier on square layers');
  assert.ok(sigmoid.phase === 'ordered' && sigmoid.chi1 < 1 / 16, `sigmoid's χ₁ ≤ σ_w²/16: ${sigmoid.chi1}`);
  // The prose's rounded figures: χ₁ ≈ 0.06, ξ_c ≈ 0.35 at σ_w² = 1; χ₁ ≈ 0.4, ξ_c ≈ 1.1, 6 ξ_c ≈ 6.5 at 16.
  assert.ok(Math.abs(sigmoid.chi1 - 0.06) < 0.005 && Math.abs(sigmoid.xiC - 0.35) < 0.005, `sigmoid σ_w² = 1: ${JSON.stringify(sigmoid)}`);
  const sigmoid16 = row('sigmoid, 4 × Xavier');
  assert.ok(sigmoid16.phase === 'ordered' && Math.abs(sigmoid16.chi1 - 0.4) < 0.005 && Math.abs(sigmoid16.xiC - 1.1) < 0.02 && Math.abs(sigmoid16.trainable - 6.5) < 0.1, `sigmoid σ_w² = 16: ${JSON.stringify(sigmoid16)}`);
  assert.ok(Math.abs(row('sigmoid at its critical point').qStar - 45.6) < 0.5, 'sigmoid saturates at its edge: q* ≈ 45.6');

  // 4. Three phase diagrams, each with its three sliders bound to range inputs.
  for (const id of ['phase-tanh', 'phase-relu', 'phase-sigmoid']) {
    const [diagram, ...more] = charts(notebook, id);
    assert.equal(more.length, 0);
    assert.equal(diagram?.kind, 'phaseDiagram', `${id} draws a phase diagram`);
    const sliders = (diagram.spec.params ?? []).filter((p) => p.bind?.input === 'range').map((p) => p.name);
    assert.deepEqual(sliders.sort(), ['depth', 'sigmaB', 'sigmaW']);
  }
  const [tanhDiagram] = charts(notebook, 'phase-tanh');
  const tanhReport = tanhDiagram.data as { phase: string; trainable: boolean; xiC: number };
  assert.equal(tanhReport.phase, 'chaotic');
  assert.equal(tanhReport.trainable, false, '100 layers is deeper than 6 ξ_c ≈ 73');

  // 5. The user's own models: TensorFlow.js's default and heNormal draw 0.77 of the variance they
  // name (truncated normals without the correction), InitLab's He the whole of it.
  const own = stdout(notebook, 'own-model');
  const printed = [...own.matchAll(/σ_w² = (\S+), σ_b² = 0/g)].map((m) => Number(m[1]));
  assert.equal(printed.length, 2, own);
  assert.ok(Math.abs(printed[0] / 0.7737 - 1) < 0.05, `glorotNormal σ_w² ${printed[0]}`);
  assert.ok(Math.abs(printed[1] / (2 * 0.7737) - 1) < 0.05, `tf heNormal σ_w² ${printed[1]}`);
  assert.match(own, /its depth 12: deeper than the \S+ layers theory gives/);
  // "trainable to about 6 layers" and "about 23 layers".
  const trainableTo = [...own.matchAll(/trainable to about 6ξ = (\S+) layers/g)].map((m) => Number(m[1]));
  assert.ok(Math.abs(trainableTo[0] - 6) < 0.5 && Math.abs(trainableTo[1] - 23) < 1, `trainable depths ${trainableTo}`);
  const [modelDiagram] = charts(notebook, 'own-model');
  assert.equal(modelDiagram?.kind, 'phaseDiagram');
  const withHe = modelDiagram.data as { sigmaW2: number; trainable: boolean; model: { layers: unknown[] } };
  assert.ok(Math.abs(withHe.sigmaW2 / 2 - 1) < 0.03, `InitLab's He σ_w² ${withHe.sigmaW2}`);
  assert.equal(withHe.model.layers.length, 12);
  assert.equal(withHe.trainable, true);
  // A finite draw a hair below 2: barely ordered, ξ_c in the hundreds of layers (the prose says so).
  const heReport = withHe as unknown as { phase: string; xiC: number };
  assert.ok(withHe.sigmaW2 < 2 && heReport.phase === 'ordered' && heReport.xiC >= 100 && heReport.xiC < 1000, `InitLab's He: ${heReport.phase}, ξ_c ${heReport.xiC}`);
  console.log(`figure: lesson D σ_w² of a 12-layer ReLU MLP: tf.layers default ${printed[0]}, tf heNormal ${printed[1]}, InitLab's He ${withHe.sigmaW2.toFixed(3)}`);

  // 6. The Jacobian spectra: Pennington et al.'s spread L (μ₂/μ₁² − 1 − s₁), and their ordering.
  const spectrumOut = stdout(notebook, 'spectrum');
  const spectrumLine = (label: string) => {
    const m = spectrumOut.match(new RegExp(`^${label}: mean σ² (\\S+), largest σ (\\S+), (\\d+)% of σ at 0; spread var\\(σ²\\)/mean\\(σ²\\)² (\\S+), theory (\\S+)`, 'm'));
    assert.ok(m, `a line for ${label} in:\n${spectrumOut}`);
    return { mean: Number(m[1]), max: Number(m[2]), zeros: Number(m[3]) / 100, spread: Number(m[4]), theory: Number(m[5]) };
  };
  const reluHe = spectrumLine('ReLU, He \\(Gaussian\\)');
  const reluOrthogonal = spectrumLine('ReLU, orthogonal');
  const tanhGaussian = spectrumLine('tanh, Gaussian');
  const tanhOrthogonal = spectrumLine('tanh, orthogonal');
  // The predictions themselves: 2L, L, L·μ₂/μ₁² at q* = 0.0255 (32.13) and L (μ₂/μ₁² − 1) (0.1326),
  // μ_k from Gauss-Hermite quadrature in NumPy.
  assert.equal(reluHe.theory, 64);
  assert.equal(reluOrthogonal.theory, 32);
  assert.ok(Math.abs(tanhGaussian.theory - 32.13) < 0.05 && Math.abs(tanhOrthogonal.theory - 0.1326) < 0.002, `${tanhGaussian.theory}, ${tanhOrthogonal.theory}`);
  // Measured at width 128 over 4 examples: within 30% of theory, ReLU with orthogonal weights within 50%.
  for (const [label, line, tolerance] of [['ReLU, He', reluHe, 0.3], ['ReLU, orthogonal', reluOrthogonal, 0.5], ['tanh, Gaussian', tanhGaussian, 0.3], ['tanh, orthogonal', tanhOrthogonal, 0.3]] as const) {
    assert.ok(Math.abs(line.spread / line.theory - 1) < tolerance, `${label}: spread ${line.spread}, theory ${line.theory}`);
    console.log(`figure: lesson D spectrum ${label}: var(σ²)/mean(σ²)² ${line.spread}, theory ${line.theory}; mean σ² ${line.mean}; ${Math.round(line.zeros * 100)}% of σ at 0`);
  }
  // Pennington 2017's ordering: ReLU with He's weights far wider than tanh, orthogonal, at criticality.
  assert.ok(reluHe.spread > 100 * tanhOrthogonal.spread, `${reluHe.spread} against ${tanhOrthogonal.spread}`);
  assert.ok(tanhOrthogonal.max < 2 && reluHe.max > 5);
  // ReLU loses most directions whatever the weights; tanh with orthogonal weights none.
  assert.ok(reluHe.zeros > 0.5 && reluOrthogonal.zeros > 0.5 && tanhOrthogonal.zeros === 0, `zero shares ${reluHe.zeros}, ${reluOrthogonal.zeros}, ${tanhOrthogonal.zeros}`);
  // "at width 128, ReLU with orthogonal weights is the one that measures furthest from it".
  const gaps = [reluHe, reluOrthogonal, tanhGaussian, tanhOrthogonal].map((l) => Math.abs(l.spread / l.theory - 1));
  assert.equal(gaps.indexOf(Math.max(...gaps)), 1, `relative gaps to theory ${gaps.map((g) => g.toFixed(3))}`);
  // The means of σ² sit near χ₁^L = 1 (ReLU) and 1.0008^32 = 1.025 (tanh): within a factor of 3 over 4 examples.
  for (const line of [reluHe, reluOrthogonal, tanhGaussian, tanhOrthogonal]) assert.ok(line.mean > 1 / 3 && line.mean < 3, `mean σ² ${line.mean}`);
  const [spectra] = charts(notebook, 'spectrum');
  assert.equal(spectra?.kind, 'spectrum');
  const compared = spectra.data as { reports: { label: string; summary: { varianceSquared: number; meanSquared: number; min: number; max: number } }[] };
  assert.deepEqual(
    compared.reports.map((r) => r.label),
    ['ReLU, He (Gaussian)', 'ReLU, orthogonal', 'tanh, Gaussian', 'tanh, orthogonal'],
  );
  const kept = compared.reports[3].summary;
  assert.ok(Math.abs(kept.varianceSquared / kept.meanSquared ** 2 - tanhOrthogonal.spread) < 0.01 * tanhOrthogonal.spread, 'the chart shows the figures printed');
  // "tanh keeps every singular value between about 0.17 and 1.4".
  assert.ok(Math.abs(kept.min - 0.17) < 0.03 && Math.abs(kept.max - 1.4) < 0.1, `tanh, orthogonal: σ from ${kept.min} to ${kept.max}`);

  // 7. Width: standard parametrization grows with width once Adam steps; μP stays flat.
  const slopesOf = (id: string, who: string, step: number) =>
    numbers(new RegExp(`${who}: (?:slope of log size against log width )?at step ${step}: ([^\\n]+)`), stdout(notebook, id));
  const initial = slopesOf('width-sp', 'standard', 0);
  initial.forEach((s, i) => assert.ok(Math.abs(s) < 0.1, `standard, layer ${i + 1} at step 0: ${s}`));
  const standard = slopesOf('width-sp', 'standard', 1);
  assert.equal(standard.length, 3);
  assert.ok(Math.abs(standard[0]) < 0.1, `the input layer does not grow: ${standard[0]}`);
  assert.ok(standard[1] > 0.3 && standard[2] > 0.3, `the hidden and output layers grow with width at step 1: ${standard}`);
  console.log(`figure: lesson D standard parametrization, slopes at step 1: ${standard.join(', ')}`);
  for (const step of [1, 2]) {
    const flat = slopesOf('width-mup', 'μP', step);
    assert.equal(flat.length, 3);
    flat.forEach((s, i) => assert.ok(Math.abs(s) < 0.1, `μP layer ${i + 1} slope ${s} at step ${step}`));
    console.log(`figure: lesson D μP, slopes at step ${step}: ${flat.join(', ')}`);
  }
  for (const id of ['width-sp', 'width-mup']) assert.equal(charts(notebook, id)[0]?.kind, 'coordCheck');
  const flagged = (charts(notebook, 'width-sp')[0].data as { flagged: { layer: string; from: number }[] }).flagged;
  assert.ok(flagged.length >= 2 && flagged.every((f) => f.from >= 1), `standard flagged from step 1: ${JSON.stringify(flagged)}`);
  assert.deepEqual((charts(notebook, 'width-mup')[0].data as { flagged: unknown[] }).flagged, []);
});
