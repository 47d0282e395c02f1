/**
 * `initlab lesson`: writes the bundled lesson notebooks, to run with `initlab run` or open in
 * VS Code. `--all <dir>` writes every lesson in every language (the build uses it to ship them).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { findLesson, LESSONS, lessonFileName, lessonNotebook, type LessonLanguage } from '../host/lessons';
import { serializeNotebook } from '../format/initnbFormat';

export const LESSON_USAGE = `  initlab lesson <a|b|c|d> [--lang en|th|vi] [--out <file>]
  initlab lesson --all <dir>
      Writes a lesson notebook: a (MNIST, normal vs Xavier vs Kaiming; en, th), b (vanishing
      and exploding gradients; en, vi), c (convolutions, BatchNorm, LSUV and the colorful
      dimension; en, th, vi) or d (beyond the variance: the edge of chaos, the Jacobian's
      spectrum and width scaling; en, th, vi). Default language: the last one listed; default file:
      lesson-<id>.<lang>.initnb. Run it with: initlab run <file> --inplace
`;

export function lessonCommand(args: string[], stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): number {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { lang: { type: 'string' }, out: { type: 'string' }, all: { type: 'string' } } });
  } catch (err) {
    stderr.write(`${(err as Error).message}\n\nUsage:\n${LESSON_USAGE}`);
    return 2;
  }
  if (parsed.values.all !== undefined) {
    fs.mkdirSync(parsed.values.all, { recursive: true });
    for (const lesson of LESSONS) {
      for (const language of lesson.languages) {
        fs.writeFileSync(path.join(parsed.values.all, lessonFileName(lesson, language)), serializeNotebook(lessonNotebook(lesson, language)));
      }
    }
    return 0;
  }
  const lesson = parsed.positionals.length === 1 ? findLesson(parsed.positionals[0]) : undefined;
  if (!lesson) {
    stderr.write(`Name one lesson: ${LESSONS.map((l) => l.id).join(' or ')}.\n\nUsage:\n${LESSON_USAGE}`);
    return 2;
  }
  const language = (parsed.values.lang ?? lesson.languages[lesson.languages.length - 1]) as LessonLanguage;
  if (!lesson.languages.includes(language)) {
    stderr.write(`Lesson ${lesson.id} comes in ${lesson.languages.join(' and ')}, not "${language}".\n`);
    return 2;
  }
  const out = parsed.values.out ?? lessonFileName(lesson, language);
  fs.writeFileSync(out, serializeNotebook(lessonNotebook(lesson, language)));
  stdout.write(`Wrote ${path.resolve(out)}\n`);
  return 0;
}
