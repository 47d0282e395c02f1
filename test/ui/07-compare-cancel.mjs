// Cancelling a comparison from its progress notification.
import { runCommand, answerCompareQuestions } from '../../scripts/vscode/uiHelpers.mjs';

export default {
  name: 'Cancelling the comparison’s progress notification stops it and says so',
  async run({ page, screenshot }) {
    await runCommand(page, 'InitLab: Compare Initializations');
    await answerCompareQuestions(page);
    const notification = page.locator('.notification-toast', { hasText: 'Comparing initializations' });
    await notification.waitFor({ state: 'visible', timeout: 30_000 });
    await notification.getByRole('button', { name: 'Cancel' }).click();
    await page.locator('.notification-toast', { hasText: 'Comparison cancelled' }).waitFor({ state: 'visible', timeout: 30_000 });
    await screenshot('compare-cancelled');
  },
};
