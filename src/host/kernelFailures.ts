/**
 * What goes wrong with a kernel where no cell shows it: its process does not start, its startup
 * code throws (KernelClient's onStartupCodeError), or its engine has no backend. The extension
 * writes each to the InitLab log and shows it in the status bar (src/extension/engineStatusBar.ts);
 * this file decides, as plain data, what each failure says and how long the status bar keeps it.
 */
import type { ErrorOutput } from '../shared/notebookFormat';
import type { KernelState } from './kernelClient';

export type KernelFailureKind = 'start' | 'startupCode' | 'engine';

export interface KernelFailure {
  readonly kind: KernelFailureKind;
  /** One line: the error's name and message, for the status bar's tooltip. */
  readonly summary: string;
  /** What the log gets: the summary, or the whole stack or traceback. */
  readonly detail: string;
}

/** A failure from anything thrown (an Error, or a value someone threw instead of one). */
export function failureFromError(kind: KernelFailureKind, error: unknown): KernelFailure {
  if (error instanceof Error) return { kind, summary: error.message, detail: error.stack ?? error.message };
  const text = typeof error === 'string' ? error : safeJson(error);
  return { kind, summary: text, detail: text };
}

/** Startup code's error, as the kernel reported it: its first line, and the traceback it mapped to the code. */
export function startupCodeFailure(error: ErrorOutput): KernelFailure {
  const summary = `${error.ename}: ${error.evalue}`;
  return { kind: 'startupCode', summary, detail: error.traceback.length > 0 ? error.traceback.join('\n') : summary };
}

/**
 * The kernel's answer to engineInfo(): its backend and version as the status bar shows them
 * ("wasm 4.22.0") with the warnings of a faster backend that did not start, or a failure when
 * its engine did not start at all (the kernel answers backend 'none' with the reason).
 */
export type EngineReport = { readonly label: string; readonly warnings: readonly string[] } | { readonly failure: KernelFailure };

export function readEngineInfo(info: Readonly<Record<string, unknown>>): EngineReport {
  const warnings = Array.isArray(info.warnings) ? info.warnings.map(String) : [];
  const backend = typeof info.backend === 'string' ? info.backend : '';
  if (backend === '' || backend === 'none') {
    const text = warnings.join('\n') || 'The tensor engine did not start and gave no reason.';
    return { failure: { kind: 'engine', summary: warnings[0] ?? text, detail: text } };
  }
  const version = typeof info.tfjsVersion === 'string' ? info.tfjsVersion : '';
  return { label: `${backend} ${version}`.trim(), warnings };
}

/**
 * The failure a kernel still has once it reaches `state`: a new process ('starting') starts
 * with none, and startup code's failure goes once a cell runs ('busy'), as from then the
 * cells report their own errors.
 */
export function failureAfter(failure: KernelFailure | undefined, state: KernelState): KernelFailure | undefined {
  if (state === 'starting' || state === 'disposed') return undefined;
  if (state === 'busy' && failure?.kind === 'startupCode') return undefined;
  return failure;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
