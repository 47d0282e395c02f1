/** The lessons that ship with InitLab, each in English and its original language. */
import type { Lesson, LessonLanguage } from './lesson';
import { lessonA } from './lessonA';
import { lessonB } from './lessonB';
import { lessonC } from './lessonC';
import { lessonD } from './lessonD';

export { lessonFileName, lessonNotebook, type Lesson, type LessonLanguage } from './lesson';

export const LESSONS: readonly Lesson[] = [lessonA, lessonB, lessonC, lessonD];

export const LANGUAGE_NAMES: Record<LessonLanguage, string> = { en: 'English', th: 'ภาษาไทย', vi: 'Tiếng Việt' };

export function findLesson(id: string): Lesson | undefined {
  return LESSONS.find((l) => l.id === id.toLowerCase());
}
