// Lesson D in Thai, from Open Lesson to Run All: the Jacobian spectra, the phase diagram with its
// sliders (σ_w moved from torch's gain for tanh to the edge of chaos, and the readout following)
// and the width sweep, each photographed on its own.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chartOf, outputFrame, runLesson } from '../../scripts/vscode/uiHelpers.mjs';

export default {
  name: 'Lesson D in Thai opens from Open Lesson, runs with Run All, and shows the Jacobian spectra, a phase diagram whose σ_w slider moves its readout, and the width sweep',
  async run({ page, screenshot, output }) {
    // Tall enough that VS Code draws every output of the lesson at once (it draws only those near
    // the view), so each chart can be photographed where it is.
    await page.setViewportSize({ width: 1400, height: 12000 });
    await runLesson(page, 'บทเรียน D', 'μP: at step 2:');
    // The lesson's markdown is the Thai text.
    await outputFrame(page).getByText('สิ่งที่ควรจำ').first().waitFor({ state: 'attached', timeout: 20_000 });
    const shots = path.join(output, 'screenshots', 'lesson-d');
    fs.mkdirSync(shots, { recursive: true });
    // A chart above the notebook's view (Run All ends at the last cell) is drawn off screen: its
    // element screenshot would be white. Scroll the notebook itself until the chart is in view.
    const reveal = async (chart) => {
      const list = await page.locator('.notebook-editor .cell-list-container').first().boundingBox();
      for (let i = 0; i < 30; i++) {
        const box = await chart.boundingBox();
        const height = page.viewportSize().height;
        if (box && box.y >= list.y && box.y + box.height <= height) return;
        await page.mouse.move(list.x + list.width / 2, list.y + 200);
        await page.mouse.wheel(0, box ? (box.y < list.y ? box.y - list.y - 100 : box.y + box.height - height + 100) : -3000);
        await page.waitForTimeout(400);
      }
      throw new Error('the chart could not be scrolled into view');
    };
    const shoot = async (chart, name) => {
      await reveal(chart);
      const file = path.join(shots, `${name}.png`);
      await chart.screenshot({ path: file });
      // A white picture of the chart's box compresses to about 2 KB; a drawn chart is tens of KB.
      const bytes = fs.statSync(file).size;
      if (bytes < 8_000) throw new Error(`${name}.png is ${bytes} bytes: the chart was not drawn where it was photographed`);
    };
    const photograph = async (kind, name) => {
      const chart = chartOf(page, kind);
      await chart.locator('svg').first().waitFor({ state: 'attached', timeout: 60_000 });
      await shoot(chart, name);
      return chart;
    };

    await photograph('spectrum', 'spectrum-th');

    // The first phase diagram is tanh at torch's gain, judged at 100 layers: chaotic and too deep.
    const diagram = await photograph('phaseDiagram', 'phase-diagram-th');
    const sliders = diagram.locator('.vega-bindings input[type="range"]');
    const count = await sliders.count();
    if (count !== 3) throw new Error(`the phase diagram has ${count} sliders, not 3 (σ_w, σ_b, depth)`);
    const readout = diagram.locator('text', { hasText: 'depth 100:' }).first();
    await readout.waitFor({ state: 'visible', timeout: 20_000 });
    const before = await readout.textContent();
    if (!before.includes('too deep')) throw new Error(`at σ_w = 5/3 the readout should say 100 layers are too deep: "${before}"`);
    // σ_w to 1.02, near tanh's edge at σ_b = 0, as a user drags the slider: the readout follows.
    const sigmaW = diagram.locator('.vega-bind', { hasText: 'σ_w' }).locator('input[type="range"]');
    await sigmaW.evaluate((input) => {
      input.value = '1.02';
      // The page's own Event: this function runs in the webview, not in Node.
      input.dispatchEvent(new input.ownerDocument.defaultView.Event('input', { bubbles: true }));
    });
    const after = diagram.locator('text', { hasText: 'within reach' }).first();
    await after.waitFor({ state: 'visible', timeout: 20_000 });
    const moved = await diagram.locator('text', { hasText: 'σ_w = ' }).first().textContent();
    if (!moved.includes('σ_w = 1.02')) throw new Error(`the readout did not follow the slider: "${moved}"`);
    await shoot(diagram, 'phase-diagram-slider-th');

    await photograph('coordCheck', 'width-sweep-th');
    await screenshot('lesson-d-th');
    console.log(`    screenshots: ${path.relative(process.cwd(), shots)}/{spectrum,phase-diagram,phase-diagram-slider,width-sweep}-th.png; readout "${before}" → "${await after.textContent()}"`);
  },
};
