// Lesson B in Vietnamese, from Open Lesson to Run All, ending on the training that diverges.
import { outputFrame, runLesson } from '../../scripts/vscode/uiHelpers.mjs';

export default {
  name: 'Lesson B in Vietnamese opens from Open Lesson, runs with Run All, prints the N(0, 1) training\'s divergence step, and draws a training chart with its dashed divergence rule',
  async run({ page, screenshot }) {
    const printed = 'N(0, 1), lr 0.01: diverged at step';
    await runLesson(page, 'Bài B', printed);
    // The step is a number: the loss did diverge (null would mean it stayed finite).
    const line = await outputFrame(page).getByText(printed).first().textContent();
    if (!/N\(0, 1\), lr 0\.01: diverged at step \d+/.test(line ?? '')) throw new Error(`expected a divergence step, got "${line}"`);
    // charts.training marks a scheme's first non-finite loss with a dashed red rule
    // (src/toolkit/charts/trainingChart.ts, DIVERGED): Vega draws it as a dashed line in a rule
    // mark, labelled "<scheme>: loss not finite at step <n>".
    const divergenceRule = '.initlab-chart[data-chart-kind="training"] g.mark-rule.role-mark line[stroke-dasharray="4,3"][aria-label*="loss not finite at step"]';
    await outputFrame(page).locator(divergenceRule).first().waitFor({ state: 'attached', timeout: 30_000 });
    await screenshot('lesson-b-vi');
  },
};
