// A training chart of 100 layers × 1,000 steps renders in the notebook.
import { openFile, runAllAndWait, chartOf } from '../../scripts/vscode/uiHelpers.mjs';

export default {
  name: 'a training chart of 100 layers × 1,000 steps renders in the notebook (figure: render time)',
  async run({ page, screenshot }) {
    await openFile(page, 'ui/render-speed.initnb');
    await runAllAndWait(page);
    const chart = chartOf(page, 'training');
    await chart.locator('svg').waitFor({ state: 'visible', timeout: 60_000 });
    const ms = Number(await chart.getAttribute('data-render-ms'));
    const lines = await chart.locator('.mark-line path').count();
    if (lines < 200) throw new Error(`expected 200 lines (100 layers × 2 quantities), found ${lines}`);
    console.log(`    figure: 100 layers × 1,000 steps training chart drawn in ${ms} ms in the webview (${lines} lines; target < 1,000 ms)`);
    await screenshot('chart-100-layers');
  },
};
