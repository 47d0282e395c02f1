// The one set of output rules the VS Code controller and the CLI share: streams merge as in
// Jupyter, display ids reach across cells, late outputs go to the cell that made them.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { OutputAccumulator } from '../../../src/host/outputAccumulator';
import type { NbOutput } from '../../../src/shared/notebookFormat';

const stdout = (text: string): NbOutput => ({ output_type: 'stream', name: 'stdout', text });
const stderr = (text: string): NbOutput => ({ output_type: 'stream', name: 'stderr', text });
const shown = (text: string): NbOutput => ({ output_type: 'display_data', data: { 'text/plain': text }, metadata: {} });

test('consecutive writes to one stream grow one output; another stream or a display starts a new one', () => {
  const outputs = new OutputAccumulator();
  outputs.reset('a');
  assert.deepEqual(outputs.add('a', stdout('1\n')), { kind: 'append', cellId: 'a', index: 0, output: stdout('1\n') });
  assert.deepEqual(outputs.add('a', stdout('2\n')), { kind: 'extend', cellId: 'a', index: 0, output: stdout('1\n2\n'), text: '2\n' });
  assert.equal(outputs.add('a', stderr('warn\n')).kind, 'append');
  assert.equal(outputs.add('a', shown('chart')).kind, 'append');
  assert.equal(outputs.add('a', stdout('3\n')).kind, 'append');
  assert.deepEqual(outputs.outputs('a'), [stdout('1\n2\n'), stderr('warn\n'), shown('chart'), stdout('3\n')]);
});

test('a display is updated in the cell that drew it, from any later cell, until that cell runs again', () => {
  const outputs = new OutputAccumulator();
  outputs.reset('a');
  outputs.add('a', stdout('before\n'));
  outputs.add('a', shown('epoch 0'), 'progress');
  outputs.reset('b');
  outputs.add('b', shown('other'));
  assert.deepEqual(outputs.update('progress', shown('epoch 5')), { kind: 'replace', cellId: 'a', index: 1, output: shown('epoch 5') });
  assert.deepEqual(outputs.outputs('a'), [stdout('before\n'), shown('epoch 5')]);
  assert.deepEqual(outputs.outputs('b'), [shown('other')]);
  outputs.reset('a');
  assert.equal(outputs.update('progress', shown('epoch 6')), undefined, 'the display went with its cell’s old outputs');
  assert.deepEqual(outputs.outputs('a'), []);
});

test('an output that arrives after its cell ended joins that cell’s outputs, not the running one’s', () => {
  const outputs = new OutputAccumulator();
  outputs.reset('a');
  outputs.add('a', stdout('started a timer\n'));
  outputs.reset('b');
  outputs.add('b', stdout('b runs\n'));
  // The timer of cell a logs while b runs.
  assert.deepEqual(outputs.add('a', stdout('tick\n')), { kind: 'extend', cellId: 'a', index: 0, output: stdout('started a timer\ntick\n'), text: 'tick\n' });
  assert.deepEqual(outputs.outputs('b'), [stdout('b runs\n')]);
  // A cell never reset here (a late output after a restart of the host) still gets its own list.
  assert.equal(outputs.add('c', stdout('late\n')).kind, 'append');
  assert.deepEqual(outputs.outputs('c'), [stdout('late\n')]);
});
