// Lesson C in Vietnamese, from Open Lesson to Run All: the deep CNNs, BatchNorm, LSUV and two
// trainings, ending on the colorful dimension of the bad start.
import { outputFrame, runLesson, waitOnScreen } from '../../scripts/vscode/uiHelpers.mjs';

export default {
  name: 'Lesson C in Vietnamese opens from Open Lesson, runs with Run All, and ends on the colorful dimension of a start that does not train',
  async run({ page, screenshot }) {
    await runLesson(page, 'Bài C', "std 0.01: the last convolution's output at step 0 has std");
    // The end of the notebook shows a colorful dimension: per layer, a heatmap of counts on a
    // log scale: the last panel of each training's watch chart.
    const legends = outputFrame(page).getByText('count (log)');
    // Charts near the end may still be drawing after Ctrl+End: look again for up to 20 s.
    let onScreen = [];
    for (const deadline = Date.now() + 20_000; !onScreen.includes(true) && Date.now() < deadline; ) {
      onScreen = [];
      for (let i = 0; i < (await legends.count()); i++) {
        onScreen.push(await waitOnScreen(page, legends.nth(i), 'a colorful dimension', 500).then(() => true, () => false));
      }
    }
    if (!onScreen.includes(true)) throw new Error(`none of the ${onScreen.length} colorful-dimension charts is on screen after Ctrl+End`);
    // The lesson's markdown is the Vietnamese text.
    await outputFrame(page).getByText('Điều cần nhớ').first().waitFor({ state: 'attached', timeout: 20_000 });
    await screenshot('lesson-c-vi');
  },
};
