// Compare Initializations timed from choosing the command to the verdict on screen: typed answers, then Enter through every question.
import { outputFrame, timedComparison, showVerdictAgain } from '../../scripts/vscode/uiHelpers.mjs';

export default {
  name: 'Compare Initializations with typed answers builds that network (depth 2, width 8, synthetic rows); then Enter through every question shows side-by-side charts and the verdict',
  async run({ page, screenshot }) {
    // First in this fresh window, a comparison with next to nothing to compute: what VS Code
    // itself takes to open, show and draw a comparison notebook (its cold start included).
    const floor = await timedComparison(page, { 3: '2', 4: '8', 5: 'Synthetic' }, 'Healthy at every layer: Xavier normal, Kaiming normal (fan_in).');
    // The verdict's layers say the network is the one asked for: two layers, not the default four.
    await outputFrame(page).getByText('✗ normal(0, 1): activations explode at layers 1–2').first().waitFor({ timeout: 20_000 });
    await screenshot('compare-typed-answers');
    // Closed unsaved, so the next notebook's outputs are the only ones on screen.
    await page.keyboard.press('Control+W');
    await page.getByRole('button', { name: 'Don’t Save' }).or(page.getByRole('button', { name: "Don't Save" })).first().click({ timeout: 20_000 });
    await page.locator('.tab', { hasText: 'Untitled' }).waitFor({ state: 'detached', timeout: 20_000 });
    // Then the defaults, the lesson's comparison: three schemes on MNIST 50k.
    const verdict = 'Healthy at every layer: Xavier normal, Kaiming normal (fan_in).';
    const main = await timedComparison(page, {}, verdict);
    console.log(`    figure: Compare initializations, from choosing the command to the verdict on screen: ${main.seconds.toFixed(1)} s (target 10 s; MNIST 50k, 3 schemes, the window's second comparison; ${main.detail})`);
    console.log(`    figure: the same with next to nothing to compute (synthetic rows, depth 2, width 8), first in a fresh window: ${floor.seconds.toFixed(1)} s (${floor.detail})`);
    await screenshot('compare-initializations');
    await showVerdictAgain(page, main.verdictOutput, verdict);
  },
};
