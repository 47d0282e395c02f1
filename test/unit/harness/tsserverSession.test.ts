/**
 * The tsserver helper the cell-type tests drive (test/unit/support/tsserverSession.ts): a server
 * that dies or stops answering fails the request with a message, instead of a test that waits
 * until the runner's timeout.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { TsServerSession } from '../support/tsserverSession';
import { tempDir } from '../support/tempDirs';

test('a request pending when tsserver dies rejects, saying it exited; later requests reject at once', async () => {
  const session = new TsServerSession(tempDir('tsserver'));
  try {
    const pending = session.request('compilerOptionsForInferredProjects', { options: {} });
    process.kill(session.pid!, 'SIGKILL');
    await assert.rejects(pending, /tsserver exited \(SIGKILL\) before it answered/);
    const started = Date.now();
    await assert.rejects(session.request('semanticDiagnosticsSync', { file: '/x.ts' }), /tsserver exited \(SIGKILL\): semanticDiagnosticsSync not sent/);
    assert.ok(Date.now() - started < 1000);
  } finally {
    session.dispose();
  }
});

test('a request tsserver does not answer in time rejects, naming the request', { skip: process.platform === 'win32' && 'SIGSTOP is POSIX' }, async () => {
  const session = new TsServerSession(tempDir('tsserver'), { requestTimeoutMs: 500 });
  try {
    // A live server that answers nothing: stopped, as a server stuck in a loop would look.
    process.kill(session.pid!, 'SIGSTOP');
    const started = Date.now();
    await assert.rejects(session.request('semanticDiagnosticsSync', { file: '/x.ts' }), /tsserver did not answer semanticDiagnosticsSync within 500 ms/);
    assert.ok(Date.now() - started >= 490);
  } finally {
    process.kill(session.pid!, 'SIGCONT');
    session.dispose();
  }
});
