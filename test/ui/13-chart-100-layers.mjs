// A training chart of 100 layers × 1,000 steps renders in the notebook. How long it takes is a
// figure of npm run bench:vscode (bench/vscode/ui/), which draws it the same way.
import { openFile, runAllAndWait, chartOf } from '../../scripts/vscode/uiHelpers.mjs';

/** Opens the fixture, runs it, and returns the chart's lines and its render time in the webview. */
export async function drawLargeTrainingChart(page) {
  await openFile(page, 'ui/render-speed.initnb');
  await runAllAndWait(page);
  const chart = chartOf(page, 'training');
  await chart.locator('svg').waitFor({ state: 'visible', timeout: 60_000 });
  const lines = await chart.locator('.mark-line path').count();
  if (lines < 200) throw new Error(`expected 200 lines (100 layers × 2 quantities), found ${lines}`);
  return { lines, renderMs: Number(await chart.getAttribute('data-render-ms')) };
}

export default {
  name: 'a training chart of 100 layers × 1,000 steps renders in the notebook, every line drawn',
  async run({ page, screenshot }) {
    await drawLargeTrainingChart(page);
    await screenshot('chart-100-layers');
  },
};
