// The Compare Initializations command's argument, from keybindings and other extensions: its
// types are checked before its values, and each problem is named (the extension words the same
// problems in the user's language: compareQuestions.ts's localizedProblem).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { checkCompareArgument, describeCompareProblem, validateCompareOptions, DEFAULT_COMPARE_OPTIONS, type CompareProblem } from '../../../../src/host/compare/compareOptions';

function problemOf(value: unknown): string {
  const checked = checkCompareArgument(value);
  assert.ok('problem' in checked, `${JSON.stringify(value)} is refused`);
  return describeCompareProblem(checked.problem);
}

test('no argument asks the questions; options of the right types pass, a key set to undefined counts as absent', () => {
  assert.deepEqual(checkCompareArgument(undefined), { args: undefined });
  assert.deepEqual(checkCompareArgument(null), { args: undefined });
  assert.deepEqual(checkCompareArgument({}), { args: {} });
  const all = { schemes: ['normal', 'std:0.05'], activation: 'tanh', depth: 6, width: 32, data: 'synthetic', seed: 3, trainSteps: 100, model: 'net' };
  assert.deepEqual(checkCompareArgument(all), { args: all });
  assert.deepEqual(checkCompareArgument({ depth: undefined, data: 'mnist-subset' }), { args: { data: 'mnist-subset' } });
});

test('{ schemes: "normal" } and every other wrong type is named, with the value as JSON, not thrown', () => {
  assert.equal(problemOf({ schemes: 'normal' }), 'The option "schemes" must be an array of strings such as ["normal", "kaimingNormal"], not "normal".');
  assert.equal(problemOf({ schemes: ['normal', 3] }), 'The option "schemes" must be an array of strings such as ["normal", "kaimingNormal"], not ["normal",3].');
  assert.equal(problemOf({ depth: '6' }), 'The option "depth" must be a number, not "6".');
  assert.equal(problemOf({ seed: null }), 'The option "seed" must be a number, not null.');
  assert.equal(problemOf({ activation: ['relu'] }), 'The option "activation" must be a string, not ["relu"].');
  assert.equal(problemOf({ model: 42 }), 'The option "model" must be a string, not 42.');
  assert.equal(problemOf({ trainSteps: true }), 'The option "trainSteps" must be a number, not true.');
});

test('an argument that is no object of options, and an option the command does not take', () => {
  assert.equal(problemOf('synthetic'), 'Compare Initializations takes an object of options such as { "data": "synthetic", "depth": 6 }, not "synthetic".');
  assert.equal(problemOf([{ data: 'synthetic' }]), 'Compare Initializations takes an object of options such as { "data": "synthetic", "depth": 6 }, not [{"data":"synthetic"}].');
  assert.equal(problemOf(4), 'Compare Initializations takes an object of options such as { "data": "synthetic", "depth": 6 }, not 4.');
  assert.equal(problemOf({ scheme: ['normal'] }), 'Compare Initializations has no option "scheme": use schemes, activation, depth, width, data, seed, trainSteps, model.');
  // A long value is cut, so the message stays one line.
  const long = problemOf({ depth: 'x'.repeat(200) });
  assert.ok(long.length < 150, long);
  assert.match(long, /not "x+…\.$/);
});

test('checked types go on to the value checks, as the questions’ answers do', () => {
  const checked = checkCompareArgument({ depth: 0, schemes: ['he'] });
  assert.ok('args' in checked && checked.args);
  const { model: _model, ...options } = checked.args;
  const problem = validateCompareOptions({ ...DEFAULT_COMPARE_OPTIONS, ...options }) as CompareProblem;
  assert.equal(describeCompareProblem(problem), 'Unknown scheme "he": use normal, xavierNormal, xavierUniform, kaimingNormal, kaimingUniform, kaimingNormalFanOut, kaimingUniformFanOut, lecunNormal, lecunUniform, orthogonal, deltaOrthogonal, zerO, lsuv, fixup, metaInit, gradInit or std:<number> (e.g. std:0.05).');
  // NaN is a number: its type passes, its value does not.
  const nan = checkCompareArgument({ width: Number.NaN });
  assert.ok('args' in nan && nan.args);
  assert.equal(describeCompareProblem(validateCompareOptions({ ...DEFAULT_COMPARE_OPTIONS, ...nan.args })!), 'Width must be a whole number from 1 to 4096, not NaN.');
});
