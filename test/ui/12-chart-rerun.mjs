// Re-running a chart cell 100 times leaves one live chart view; Clear All Outputs leaves none.
import { outputFrame, openFile, runCommand } from '../../scripts/vscode/uiHelpers.mjs';

export default {
  name: 're-running a chart cell 100 times leaves one live chart view, and Clear All Outputs leaves none',
  async run({ page, screenshot }) {
    await openFile(page, 'ui/rerun-chart.initnb');
    const frame = outputFrame(page);
    const liveViews = async () => Number((await frame.locator('html').getAttribute('data-initlab-live-views')) ?? 0);
    const runButton = page.locator('.notebook-toolbar-container').getByRole('button', { name: /Run All/ }).first();
    for (let run = 1; run <= 100; run++) {
      await runButton.click();
      await frame.locator('.initlab-chart svg text', { hasText: new RegExp(`^run ${run}$`) }).waitFor({ timeout: run === 1 ? 90_000 : 20_000 });
    }
    const views = await liveViews();
    const charts = await frame.locator('.initlab-chart').count();
    if (views !== 1 || charts !== 1) throw new Error(`after 100 runs: ${views} live views and ${charts} charts in the webview (expected 1 and 1)`);
    await screenshot('chart-rerun-100');
    await runCommand(page, 'Notebook: Clear All Outputs');
    await frame.locator('.initlab-chart').first().waitFor({ state: 'detached', timeout: 20_000 }).catch(() => undefined);
    const started = Date.now();
    while ((await liveViews()) !== 0) {
      if (Date.now() - started > 20_000) throw new Error(`Clear All Outputs left ${await liveViews()} live views`);
      await page.waitForTimeout(200);
    }
  },
};
