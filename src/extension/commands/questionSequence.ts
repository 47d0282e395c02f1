/**
 * Questions asked one after another on one quick-input surface that stays open between them.
 *
 * Why not `showQuickPick` / `showInputBox` in turn: each closes the quick input when answered,
 * and VS Code then gives the keyboard focus back to the editor before the next question opens.
 * When that editor is the Welcome page with a walkthrough, the page takes the focus a moment
 * later, after the next question has shown: Enter then pressed the walkthrough's first step
 * instead of answering (seen at questions 3-5 in code-server 4.100.3; the UI test
 * test/ui/15-welcome-enter-only.mjs). Showing the next question before the last one is
 * disposed keeps the surface open, so the focus never leaves it. This is the pattern of VS
 * Code's multi-step input sample.
 */
import * as vscode from 'vscode';

export interface Choice<T> extends vscode.QuickPickItem {
  value: T;
}

export class QuestionSequence implements vscode.Disposable {
  private current: vscode.QuickInput | undefined;

  /** One item; undefined on Escape. Enter takes the highlighted item (the first, unless moved). */
  pickOne<T>(title: string, placeholder: string, items: Choice<T>[]): Promise<T | undefined> {
    const pick = vscode.window.createQuickPick<Choice<T>>();
    Object.assign(pick, { title, placeholder, items, ignoreFocusOut: true });
    return this.ask(pick, (resolve) => pick.onDidAccept(() => resolve((pick.selectedItems[0] ?? pick.activeItems[0])?.value)));
  }

  /** Several items, those marked `picked` ticked to begin with; undefined on Escape. */
  pickMany<T>(title: string, placeholder: string, items: Choice<T>[]): Promise<T[] | undefined> {
    const pick = vscode.window.createQuickPick<Choice<T>>();
    Object.assign(pick, { title, placeholder, items, canSelectMany: true, ignoreFocusOut: true });
    pick.selectedItems = items.filter((i) => i.picked);
    return this.ask(pick, (resolve) => pick.onDidAccept(() => resolve(pick.selectedItems.map((i) => i.value))));
  }

  /** Text that `validate` accepts (it returns a message for text it refuses); undefined on Escape. */
  input(title: string, prompt: string, value: string, validate: (text: string) => string | undefined): Promise<string | undefined> {
    const box = vscode.window.createInputBox();
    Object.assign(box, { title, prompt, value, ignoreFocusOut: true });
    return this.ask(box, (resolve) => [
      box.onDidChangeValue((text) => (box.validationMessage = validate(text))),
      box.onDidAccept(() => {
        box.validationMessage = validate(box.value);
        if (!box.validationMessage) resolve(box.value);
      }),
    ]);
  }

  /** Closes the surface: after the last answer, or when the questions are abandoned. */
  dispose(): void {
    this.current?.dispose();
    this.current = undefined;
  }

  /** Shows `input` in place of the question before it, and resolves with its answer (undefined on Escape). */
  private ask<A>(input: vscode.QuickInput, onAnswer: (resolve: (answer: A | undefined) => void) => vscode.Disposable | vscode.Disposable[]): Promise<A | undefined> {
    return new Promise<A | undefined>((resolve) => {
      let settled = false;
      const settle = (answer: A | undefined) => {
        if (settled) return;
        settled = true;
        listeners.dispose();
        resolve(answer);
      };
      const answered = onAnswer(settle);
      // Escape (or another quick input taking the surface) hides it: no answer.
      const listeners = vscode.Disposable.from(...(Array.isArray(answered) ? answered : [answered]), input.onDidHide(() => settle(undefined)));
      const previous = this.current;
      this.current = input;
      input.show();
      previous?.dispose();
    });
  }
}
