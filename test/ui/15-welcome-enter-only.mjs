// A new user's first comparison: a fresh window with VS Code's Welcome page and InitLab's
// walkthrough open, Compare started from the walkthrough's own button, and every question
// answered with Enter alone (no click may bring the keyboard focus back to the questions).
/* global document */
import { outputFrame, runCommand, waitOnScreen } from '../../scripts/vscode/uiHelpers.mjs';

const VERDICT = 'Healthy at every layer: Xavier normal, Kaiming normal (fan_in).';

/** Opens InitLab's walkthrough from the Welcome page's list, as a new user who follows "Get started" would. */
async function openInitLabWalkthrough(page) {
  const welcome = page.locator('.gettingStartedContainer');
  // VS Code for the Web starts on its own Setup walkthrough: back to the Welcome page's lists.
  const back = welcome.locator('.prev-button', { hasText: 'Welcome' });
  if (await back.isVisible()) await back.click();
  const ours = welcome.getByRole('button', { name: /Get started with InitLab/ }).first();
  await ours.waitFor({ state: 'visible', timeout: 60_000 });
  await ours.click();
  await welcome.getByText('Compare initializations').first().waitFor({ state: 'visible', timeout: 20_000 });
  // The walkthrough opens by selecting its first step and, 250 ms later (VS Code's slide
  // animation), giving that step the keyboard focus. A command run inside that moment loses its
  // first question's focus to the step, whatever the extension does; a user sees the step
  // highlighted before they reach for the command, so the test waits for that too.
  await page.waitForFunction(() => document.activeElement?.matches('.getting-started-step.expanded') ?? false, undefined, { timeout: 20_000 });
}

export default {
  name: 'In a fresh window with the Welcome page and InitLab’s walkthrough open, Enter alone answers every Compare Initializations question',
  settings: { 'workbench.startupEditor': 'welcomePage' },
  async run({ page, screenshot }) {
    // code-server now and then restores the window without its startup editor; the Welcome page
    // is then opened as a user would, from Help: Welcome.
    const shown = await page.locator('.gettingStartedContainer').first().waitFor({ state: 'visible', timeout: 30_000 }).then(() => true, () => false);
    if (!shown) {
      await runCommand(page, 'Help: Welcome');
      await page.locator('.gettingStartedContainer').first().waitFor({ state: 'visible', timeout: 30_000 });
    }
    await openInitLabWalkthrough(page);
    // The walkthrough's own way in: open the Compare step, then its button.
    const welcome = page.locator('.gettingStartedContainer');
    await welcome.locator('.getting-started-step', { hasText: 'Compare initializations' }).first().click();
    // Selecting a step focuses it again 250 ms later, once it has slid open (VS Code's
    // SLIDE_TRANSITION_TIME_MS); a command started inside that moment lost its question's focus
    // to the step (seen in 1 run of 12, the button clicked about 40 ms after the step: the step
    // took the focus from question 5). A user reaches for the button once the step has opened:
    // so does the test.
    await page.waitForTimeout(500);
    await welcome.locator('.getting-started-step.expanded').getByRole('button', { name: 'Compare Initializations', exact: true }).click();
    // The clock starts as the walkthrough's button is clicked: a new user's first comparison.
    const started = Date.now();
    const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
    for (let step = 1; step <= 7; step++) {
      const question = page.locator('.quick-input-widget', { hasText: `(${step}/7)` });
      await question.waitFor({ state: 'visible', timeout: step === 1 ? 60_000 : 10_000 }).catch(async () => {
        await screenshot(`welcome-focus-lost-at-${step}`);
        throw new Error(`question ${step} of 7 did not show after Enter on question ${step - 1}: the keyboard focus left the questions`);
      });
      await page.keyboard.press('Enter');
    }
    const answered = seconds();
    await page.locator('.notification-toast', { hasText: VERDICT }).waitFor({ state: 'visible', timeout: 180_000 });
    const notified = seconds();
    // In view, though not necessarily drawn the moment the notification shows: this is the
    // window's first notebook, and its output webview was still drawing the charts above the
    // verdict 3 s later in a clean-clone CI run. Tests 04 and 05 hold a warm window to the
    // notification's moment.
    await waitOnScreen(page, outputFrame(page).getByText(VERDICT).first(), 'the verdict', 15_000);
    console.log(`    figure: Compare initializations in a fresh window, from the walkthrough's button to the verdict on screen: ${seconds()} s (MNIST 50k, 3 schemes, the window's first comparison; answered ${answered} s, notification ${notified} s)`);
    await screenshot('compare-from-welcome');
  },
};
