/**
 * A lesson is a list of cells: markdown in each of its languages, and TypeScript shared by all
 * of them, so the English and the Thai (or Vietnamese) notebooks can never compute different
 * things. `lessonNotebook` turns one language of a lesson into an .initnb notebook.
 * Cell ids are stable, so tests and later edits can find a cell by what it does.
 */
import { defaultNotebookMetadata, NBFORMAT_MINOR, type Notebook } from '../../shared/notebookFormat';

export type LessonLanguage = 'en' | 'th' | 'vi';

export type LessonCell =
  | { kind: 'markdown'; id: string; text: Partial<Record<LessonLanguage, string>> & { en: string } }
  | { kind: 'code'; id: string; source: string };

export interface Lesson {
  /** "a" or "b": the file is `lesson-<id>.<language>.initnb`. */
  id: string;
  languages: readonly LessonLanguage[];
  title: Partial<Record<LessonLanguage, string>> & { en: string };
  cells: readonly LessonCell[];
}

export const md = (id: string, en: string, translations: Partial<Record<LessonLanguage, string>>): LessonCell => ({ kind: 'markdown', id, text: { en, ...translations } });
export const ts = (id: string, source: string): LessonCell => ({ kind: 'code', id, source: source.trim() });

export function lessonFileName(lesson: Lesson, language: LessonLanguage): string {
  return `lesson-${lesson.id}.${language}.initnb`;
}

export function lessonNotebook(lesson: Lesson, language: LessonLanguage): Notebook {
  if (!lesson.languages.includes(language)) throw new RangeError(`Lesson ${lesson.id} comes in ${lesson.languages.join(', ')}, not ${language}`);
  return {
    nbformat: 4,
    nbformat_minor: NBFORMAT_MINOR,
    metadata: { ...defaultNotebookMetadata, initlab: { lesson: lesson.id, language } },
    cells: lesson.cells.map((cell) =>
      cell.kind === 'markdown'
        ? { cell_type: 'markdown', id: cell.id, metadata: {}, source: (cell.text[language] ?? cell.text.en).trim() }
        : { cell_type: 'code', id: cell.id, metadata: {}, source: cell.source, outputs: [], execution_count: null },
    ),
  };
}
