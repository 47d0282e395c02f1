// A chart saved in a notebook is drawn by InitLab's renderer when the file opens.
import { outputFrame, openFile } from '../../scripts/vscode/uiHelpers.mjs';

export default {
  name: 'a saved chart output is drawn by the InitLab renderer when the notebook opens',
  async run({ page, screenshot }) {
    await openFile(page, 'golden/jupyter-written.saved.initnb');
    const chart = outputFrame(page).locator('.initlab-chart svg').first();
    await chart.waitFor({ state: 'visible', timeout: 60_000 });
    const marks = await outputFrame(page).locator('.initlab-chart svg .mark-rect path').count();
    if (marks !== 2) throw new Error(`expected 2 bars in the saved chart, found ${marks}`);
    await screenshot('saved-chart');
  },
};
