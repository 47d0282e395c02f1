// Lesson A in Thai, from Open Lesson to Run All.
import { runLesson } from '../../scripts/vscode/uiHelpers.mjs';

export default {
  name: 'Lesson A in Thai opens from Open Lesson, runs with Run All, and shows its side-by-side comparison',
  async run({ page, screenshot }) {
    await runLesson(page, 'บทเรียน A', '✓ Kaiming normal: healthy at every layer');
    await screenshot('lesson-a-th');
  },
};
