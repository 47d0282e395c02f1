// How long the webview takes to draw a training chart of 100 layers × 1,000 steps.
import { drawLargeTrainingChart } from '../../../test/ui/13-chart-100-layers.mjs';

export default {
  name: 'a training chart of 100 layers × 1,000 steps',
  async run({ page }) {
    const { lines, renderMs } = await drawLargeTrainingChart(page);
    console.log(`    drawn in ${renderMs} ms in the webview (${lines} lines; goal: under 1,000 ms)`);
  },
};
