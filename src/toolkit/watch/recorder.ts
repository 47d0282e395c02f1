/**
 * The part of recording shared by `watch` (a tf.layers callback) and `record` (a hand-written
 * loop): it probes the model on a fixed batch every `every` steps, measures each layer's update
 * ratio against a copy of its weights taken just before the step, keeps every step's loss, and
 * redraws the live chart.
 *
 * Statistics come from the probe (probe.ts), on the same fixed batch each time, so a change
 * between two recordings is the network's and not the batch's, and a recorded step matches
 * `probe(model).step(x, y)` run at that step.
 *
 * `every: 'auto'` (the default) keeps recording under `maxOverhead` of training time: after each
 * recording it sets `every` to what that recording cost divided by the budget per step.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tf } from '../engine/engine';
import { toStatNumber, fromStatNumber, type StatNumber } from '../charts/finite';
import { Probe, type Probeable, type ProbeReport, type LayerProbe } from '../probe/probe';
import { isLayersModel, type LossSpec } from '../probe/layersAdapter';
import type { Sequential } from '../nn/model';
import { leafModules } from '../nn/residual';
import type { TensorStats } from '../probe/tensorStats';
import { ThrottledDisplay } from './liveDisplay';
import { emptyRecord, WATCHED_QUANTITIES, type WatchedQuantity, type WatchRecord } from './watchRecord';

export interface RecorderOptions {
  /** The fixed batch statistics are measured on (its first `probeRows` rows). */
  x: tfjs.Tensor;
  y: tfjs.Tensor;
  every: number | 'auto';
  maxOverhead: number;
  probeRows: number;
  bins: number;
  label: string;
  live: boolean;
  loss?: LossSpec;
}

/** The probe's tensor for each watched quantity of a layer. */
function statsOf(layer: LayerProbe, quantity: WatchedQuantity): TensorStats | undefined {
  const t = layer.tensors;
  if (quantity === 'activation') return t.activation ?? t.preActivation;
  if (quantity === 'weight gradient') return t.weightGrad ?? t.gammaGrad;
  return t.weights ?? t.gamma;
}

/** ‖g‖ from a tensor's count, mean and (unbiased) std: Σg² = (n − 1)·std² + n·mean². */
function normOf(stats: TensorStats): StatNumber {
  const n = stats.count;
  const std = fromStatNumber(stats.std);
  const mean = fromStatNumber(stats.mean);
  return toStatNumber(Math.sqrt(Math.max(0, (n - 1) * std * std + n * mean * mean)));
}

/** Steps 'auto' times before its first choice: one step's time is too noisy to size it on. */
const AUTO_FIRST_CHOICE_AFTER = 10;

export class Recorder {
  readonly record: WatchRecord;
  private readonly probe: Probe;
  private readonly xb: tfjs.Tensor;
  private readonly yb: tfjs.Tensor;
  private readonly display = new ThrottledDisplay();
  private weightReaders = new Map<number, () => tfjs.Tensor>();
  private snapshot = new Map<number, tfjs.Tensor>();
  private every: number;
  private nextRecordAt = 0;
  private stepStartedAt = 0;
  private stepsRun = 0;
  private recordings = 0;

  constructor(
    private readonly model: Probeable,
    private readonly options: RecorderOptions,
  ) {
    this.record = emptyRecord(options.label);
    this.every = options.every === 'auto' ? AUTO_FIRST_CHOICE_AFTER : options.every;
    this.probe = new Probe(model, { label: options.label, bins: options.bins, deadUnits: true, dataGrad: false, loss: options.loss });
    const rows = Math.min(options.probeRows, options.x.shape[0]);
    this.xb = rows === options.x.shape[0] ? options.x.clone() : tf.slice(options.x, 0, rows);
    this.yb = rows === options.y.shape[0] ? options.y.clone() : tf.slice(options.y, 0, rows);
  }

  /** Records step 0, the network as initialized, and shows the live chart. */
  async begin(): Promise<void> {
    const report = this.measure(0);
    this.record.layers = report.layers.map(({ layer, id, name, kind }) => ({ layer, id, name, kind }));
    this.weightReaders = weightReaders(this.model, report);
    // 'auto' records nothing more until it has timed some steps to weigh step 0's recording against.
    this.nextRecordAt = this.options.every === 'auto' ? Infinity : this.every;
    if (this.options.live) await this.display.show(() => this.record);
  }

  /** Before step `step` (1-based): copies the weights when this step will be recorded. */
  beforeStep(step: number): void {
    if (step === this.nextRecordAt) {
      const started = performance.now();
      for (const [layer, read] of this.weightReaders) this.snapshot.set(layer, read().clone());
      this.record.timing.recordingMs += performance.now() - started;
    }
    this.stepStartedAt = performance.now();
  }

  /** After step `step` with its loss: returns false when the loss is not finite (training must stop). */
  async afterStep(step: number, loss: number): Promise<boolean> {
    this.record.timing.trainingMs += performance.now() - this.stepStartedAt;
    this.stepsRun = step;
    this.record.losses.push({ step, loss: toStatNumber(loss) });
    const finite = Number.isFinite(loss);
    if (!finite) this.record.divergedAtStep = step;
    if (step === this.nextRecordAt || !finite) {
      this.measure(step);
      this.nextRecordAt = step + this.chooseEvery();
    } else if (this.nextRecordAt === Infinity && step >= AUTO_FIRST_CHOICE_AFTER) {
      this.nextRecordAt = Math.max(step + 1, this.chooseEvery());
    }
    if (this.options.live) await this.display.show(() => this.record);
    return finite;
  }

  /** Marks where the user stopped. */
  stopped(): void {
    this.record.stoppedAtStep = this.stepsRun;
  }

  /** Frees the batch and snapshots and draws the final chart, with its static SVG. */
  async finish(): Promise<WatchRecord> {
    this.record.running = false;
    this.record.every = this.every;
    for (const t of this.snapshot.values()) t.dispose();
    this.snapshot.clear();
    this.xb.dispose();
    this.yb.dispose();
    if (this.options.live) await this.display.flush(() => this.record);
    return this.record;
  }

  private chooseEvery(): number {
    if (this.options.every !== 'auto') return this.every;
    const { trainingMs, recordingMs } = this.record.timing;
    const perStep = trainingMs / Math.max(1, this.stepsRun);
    const perRecording = recordingMs / Math.max(1, this.recordings);
    // Aims at 80% of the budget: step 0's recording is a cost no choice of `every` spreads, and
    // step times wander.
    this.every = Math.max(1, Math.ceil(perRecording / (0.8 * this.options.maxOverhead * Math.max(perStep, 1e-3))));
    return this.every;
  }

  private measure(step: number): ProbeReport {
    const started = performance.now();
    const report = this.probe.step(this.xb, this.yb);
    this.recordings++;
    const ratios = this.updateRatios();
    for (const layer of report.layers) {
      const pick = (f: (s: TensorStats) => StatNumber) =>
        Object.fromEntries(WATCHED_QUANTITIES.map((q) => [q, statsOf(layer, q) ? f(statsOf(layer, q)!) : null])) as Record<WatchedQuantity, StatNumber | null>;
      const activation = statsOf(layer, 'activation');
      const gradient = statsOf(layer, 'weight gradient');
      this.record.stats.push({
        step,
        layer: layer.layer,
        std: pick((s) => s.std),
        mean: pick((s) => s.mean),
        deadFraction: activation?.deadUnitFraction !== undefined && Number.isFinite(activation.deadUnitFraction) ? activation.deadUnitFraction : null,
        saturatedFraction: activation?.saturatedFraction ?? null,
        updateRatio: ratios.get(layer.layer) ?? null,
        gradNorm: gradient ? normOf(gradient) : null,
      });
      for (const quantity of WATCHED_QUANTITIES) {
        const stats = statsOf(layer, quantity);
        if (stats) this.record.histograms.push({ step, layer: layer.layer, quantity, bins: stats.histogram, nanCount: stats.nanCount, infCount: stats.infCount });
      }
    }
    this.record.timing.recordingMs += performance.now() - started;
    return report;
  }

  /** ‖w − w_before‖ / ‖w_before‖ per layer whose weights were copied before this step. */
  private updateRatios(): Map<number, StatNumber> {
    const ratios = new Map<number, StatNumber>();
    if (this.snapshot.size === 0) return ratios;
    const layers = [...this.snapshot.keys()];
    const figures = tf.tidy(() =>
      tf.stack(layers.flatMap((layer) => {
        const before = this.snapshot.get(layer)!;
        return [tf.norm(tf.sub(this.weightReaders.get(layer)!(), before)), tf.norm(before)];
      })).dataSync(),
    );
    layers.forEach((layer, i) => ratios.set(layer, toStatNumber(figures[2 * i] / figures[2 * i + 1])));
    for (const t of this.snapshot.values()) t.dispose();
    this.snapshot.clear();
    return ratios;
  }
}

/**
 * How to read each weighted layer's weights (its kernel, or a BatchNorm's gamma) now. A
 * tf.layers layer is found by the probe's id; an nn module by order, since both list weighted
 * layers in forward order. nn modules replace their tensors on every update, so the reader is
 * asked again after the step.
 */
function weightReaders(model: Probeable, report: ProbeReport): Map<number, () => tfjs.Tensor> {
  const readers = new Map<number, () => tfjs.Tensor>();
  const weighted = report.layers.filter((l) => l.tensors.weights || l.tensors.gamma);
  if (isLayersModel(model)) {
    for (const l of weighted) {
      const variable = model.getLayer(l.id.split(':')[0]).trainableWeights[0];
      if (variable) readers.set(l.layer, () => variable.read());
    }
    return readers;
  }
  // A Residual's modules are nodes of their own in the report: its body's, then its shortcut's.
  const modules = leafModules((model as Sequential).layers).filter((m) => m.parameters().length > 0);
  weighted.forEach((l, i) => {
    const module = modules[i];
    if (module) readers.set(l.layer, () => module.parameters()[0]);
  });
  return readers;
}
