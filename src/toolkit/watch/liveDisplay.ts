/**
 * How the toolkit shows a chart that changes while a cell runs. The toolkit cannot import the
 * kernel (ARCHITECTURE.md), so the kernel hands it its `display` at startup; outside a kernel
 * (the CLI's own code, tests, benches) there is none and recording simply draws nothing live.
 */
export interface LiveHandle {
  update(value: unknown): Promise<void>;
}

type DisplayFunction = (value: unknown) => LiveHandle;

let displayFunction: DisplayFunction | undefined;

/** Called once by the kernel: `display` as cells have it. */
export function provideDisplay(display: DisplayFunction): void {
  displayFunction = display;
}

/**
 * A display that redraws at most every `intervalMs`: a training loop may record many times a
 * second, and each redraw costs the webview a Vega render. `show` is skipped while a redraw is
 * under way or too recent; `flush` always draws the last value and waits for it.
 */
export class ThrottledDisplay {
  private handle: LiveHandle | undefined;
  private lastDrawn = 0;
  private drawing: Promise<void> | undefined;

  constructor(private readonly intervalMs = 300) {}

  get available(): boolean {
    return displayFunction !== undefined;
  }

  /** Draws `value()` if the last draw is old enough; returns at once otherwise. */
  async show(value: () => unknown): Promise<void> {
    if (!displayFunction || this.drawing || Date.now() - this.lastDrawn < this.intervalMs) return;
    await this.draw(value());
  }

  /** Draws the final value, after any draw under way. */
  async flush(value: () => unknown): Promise<void> {
    if (!displayFunction) return;
    await this.drawing;
    await this.draw(value());
  }

  private async draw(value: unknown): Promise<void> {
    this.lastDrawn = Date.now();
    this.drawing = this.handle ? this.handle.update(value) : Promise.resolve((this.handle = displayFunction!(value))).then(() => undefined);
    try {
      await this.drawing;
    } finally {
      this.drawing = undefined;
      this.lastDrawn = Date.now();
    }
  }
}
