// A chart saved as SVG and, drawn light, as PNG from its toolbar.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { outputFrame, openFile, runAllAndWait } from '../../scripts/vscode/uiHelpers.mjs';

export default {
  name: 'a chart saves as SVG and, drawn light, as PNG from its toolbar, next to the notebook',
  async run({ page, workspace, screenshot, output }) {
    await openFile(page, 'ui/run-all.initnb');
    await runAllAndWait(page);
    const frame = outputFrame(page);
    const toolbar = frame.locator('.initlab-toolbar').first();
    await frame.locator('.initlab-chart svg').first().waitFor({ state: 'visible', timeout: 60_000 });
    const saveWith = async (button, file) => {
      await toolbar.getByRole('button', { name: button, exact: true }).click();
      // VS Code's save dialog (in the browser, its own quick-input dialog) proposes the
      // notebook's folder and the chart's name: accept it.
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: 20_000 });
      // The dialog shows the folder first and fills in the name a moment later.
      const started = Date.now();
      let proposed = await input.inputValue();
      while (!proposed.endsWith(`ui/${file}`)) {
        if (Date.now() - started > 10_000) throw new Error(`the save dialog proposed ${proposed}, not ui/${file}`);
        await page.waitForTimeout(100);
        proposed = await input.inputValue();
      }
      await page.keyboard.press('Enter');
      await toolbar.locator('.initlab-status', { hasText: `Saved ${path.join(workspace, 'ui', file)}` }).waitFor({ timeout: 20_000 });
      // Kept with the test output, to look at.
      const exports = path.join(output, 'exports');
      fs.mkdirSync(exports, { recursive: true });
      fs.copyFileSync(path.join(workspace, 'ui', file), path.join(exports, file));
      return fs.readFileSync(path.join(workspace, 'ui', file));
    };
    const svg = (await saveWith('SVG', 'vega-lite.svg')).toString('utf8');
    if (!svg.startsWith('<svg') || !svg.includes('role-axis')) throw new Error(`not a chart SVG: ${svg.slice(0, 80)}`);
    await toolbar.getByRole('button', { name: 'Light', exact: true }).click();
    await frame.locator('.initlab-chart.initlab-light svg').first().waitFor({ state: 'visible', timeout: 20_000 });
    const png = await saveWith('PNG', 'vega-lite.png');
    if (png.subarray(1, 4).toString('latin1') !== 'PNG' || png.length < 2_000) throw new Error(`not a PNG image (${png.length} bytes)`);
    console.log(`    saved: ui/vega-lite.svg (${svg.length} bytes), ui/vega-lite.png (${png.length} bytes); copies in ${path.relative(process.cwd(), path.join(output, 'exports'))}`);
    await screenshot('chart-saved');
  },
};
