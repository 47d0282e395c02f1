/**
 * "InitLab: Open Lesson…": picks a lesson and a language and opens it as a new untitled
 * notebook, so the shipped copy is never changed and the learner saves their own wherever they
 * like. The lesson can also be named in the argument (the walkthrough's links do that).
 */
import * as vscode from 'vscode';
import { findLesson, LANGUAGE_NAMES, LESSONS, lessonNotebook, type LessonLanguage } from '../../host/lessons';
import { notebookToVsCodeData, openUntitledNotebook } from '../initnbSerializer';

export const OPEN_LESSON_COMMAND = 'initlab.openLesson';

interface LessonPick extends vscode.QuickPickItem {
  lesson: string;
  language: LessonLanguage;
}

/** The learner's own language first when a lesson has it. */
function preferredOrder(languages: readonly LessonLanguage[]): LessonLanguage[] {
  const ui = vscode.env.language.slice(0, 2) as LessonLanguage;
  return [...languages].sort((a, b) => Number(b === ui) - Number(a === ui));
}

export function registerOpenLessonCommand(): vscode.Disposable {
  return vscode.commands.registerCommand(OPEN_LESSON_COMMAND, async (lessonId?: string, language?: LessonLanguage) => {
    let choice: { lesson: string; language: LessonLanguage } | undefined = lessonId ? { lesson: lessonId, language: language ?? 'en' } : undefined;
    if (!choice) {
      const items: LessonPick[] = LESSONS.flatMap((lesson) =>
        preferredOrder(lesson.languages).map((lang) => ({
          label: lesson.title[lang] ?? lesson.title.en,
          description: LANGUAGE_NAMES[lang],
          lesson: lesson.id,
          language: lang,
        })),
      );
      choice = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Open a lesson'), placeHolder: vscode.l10n.t('Each lesson runs top to bottom with Run All, on the bundled MNIST') });
      if (!choice) return undefined;
    }
    const lesson = findLesson(choice.lesson);
    if (!lesson || !lesson.languages.includes(choice.language)) {
      void vscode.window.showErrorMessage(vscode.l10n.t('There is no lesson "{0}" in "{1}".', choice.lesson, choice.language));
      return undefined;
    }
    const document = await openUntitledNotebook(notebookToVsCodeData(lessonNotebook(lesson, choice.language)));
    await vscode.window.showNotebookDocument(document);
    return document;
  });
}
