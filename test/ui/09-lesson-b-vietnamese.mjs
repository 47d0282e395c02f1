// Lesson B in Vietnamese, from Open Lesson to Run All.
import { runLesson } from '../../scripts/vscode/uiHelpers.mjs';

export default {
  name: 'Lesson B in Vietnamese opens from Open Lesson, runs with Run All, and shows the training chart with the divergence',
  async run({ page, screenshot }) {
    await runLesson(page, 'Bài B', 'Kaiming, lr 0.01: loss');
    await screenshot('lesson-b-vi');
  },
};
