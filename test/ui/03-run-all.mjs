// Run All in a notebook: text, tensor and chart outputs appear.
import { outputFrame, openFile } from '../../scripts/vscode/uiHelpers.mjs';

export default {
  name: 'Run All executes a notebook and its text and chart outputs appear',
  async run({ page, screenshot }) {
    await openFile(page, 'ui/run-all.initnb');
    await page.locator('.notebook-toolbar-container').getByRole('button', { name: /Run All/ }).first().click();
    const frame = outputFrame(page);
    await frame.getByText('hello from the InitLab kernel').first().waitFor({ timeout: 90_000 });
    await frame.locator('.initlab-chart svg').first().waitFor({ state: 'visible', timeout: 60_000 });
    await frame.getByText('Tensor [2, 3] float32').first().waitFor({ timeout: 30_000 });
    await screenshot('run-all');
  },
};
