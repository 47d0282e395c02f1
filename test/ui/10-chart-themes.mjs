// Every chart kind in the dark and the light theme, re-themed live; screenshots of each (the
// watch chart's dark one is the README's media/screenshots/watch-training.png).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openFile, runAllAndWait, setColorTheme, CHART_KINDS, chartOf, axisLabelFill } from '../../scripts/vscode/uiHelpers.mjs';

export default {
  name: 'every chart kind draws in the dark theme and in the light one, and re-themes when the theme changes',
  async run({ page, workspace, output }) {
    // Tall enough that VS Code draws every output of the notebook at once.
    await page.setViewportSize({ width: 1400, height: 8000 });
    await setColorTheme(page, workspace, 'Default Dark Modern', 'vs-dark');
    await openFile(page, 'ui/chart-gallery.initnb');
    await runAllAndWait(page);
    for (const kind of CHART_KINDS) await chartOf(page, kind).locator('svg').waitFor({ state: 'visible', timeout: 60_000 });
    const darkFill = await axisLabelFill(page, 'layerStats');
    const shots = path.join(output, 'screenshots', 'charts');
    fs.mkdirSync(shots, { recursive: true });
    for (const kind of CHART_KINDS) await chartOf(page, kind).screenshot({ path: path.join(shots, `${kind}-dark.png`) });
    await setColorTheme(page, workspace, 'Default Light Modern', 'vs');
    const started = Date.now();
    for (;;) {
      const fill = await axisLabelFill(page, 'layerStats');
      if (fill && fill !== darkFill) break;
      if (Date.now() - started > 30_000) throw new Error(`the chart kept its dark-theme label colour ${darkFill}`);
      await page.waitForTimeout(200);
    }
    for (const kind of CHART_KINDS) await chartOf(page, kind).locator('svg').waitFor({ state: 'visible', timeout: 30_000 });
    for (const kind of CHART_KINDS) await chartOf(page, kind).screenshot({ path: path.join(shots, `${kind}-light.png`) });
    console.log(`    screenshots: ${path.relative(process.cwd(), shots)}/{${CHART_KINDS.join(',')}}-{dark,light}.png; axis labels ${darkFill} → ${await axisLabelFill(page, 'layerStats')}`);
  },
};
