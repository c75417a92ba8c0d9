import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { duplicateKeys } from '../../src/intake/strict-json';

describe('duplicateKeys: a key twice in one object, at any depth, by its path', () => {
  it('finds duplicates at the top, deep, inside arrays, and spelt with escapes', () => {
    assert.deepEqual(duplicateKeys('{"a":1,"a":2}'), ['a']);
    assert.deepEqual(duplicateKeys('{"a":{"b":[{"c":1},{"c":1,"d":{"e":1,"e":2}}]}}'), ['a.b[1].d.e']);
    assert.deepEqual(duplicateKeys('{"list":[1,2,{"x":1,"x":2}]}'), ['list[2].x']);
    assert.deepEqual(duplicateKeys('{"\\u0061":1,"a":2}'), ['a']);
    assert.deepEqual(duplicateKeys('[{"k":1,"k":2},{"k":3}]'), ['[0].k']);
  });

  it('is not fooled by strings holding quotes, braces, commas or colons', () => {
    assert.deepEqual(duplicateKeys('{"a":"{\\"a\\":1,\\"a\\":2}","b":"x,\\"b\\":1"}'), []);
    assert.deepEqual(duplicateKeys('{"a":"\\\\","a":"}"}'), ['a']);
    assert.deepEqual(duplicateKeys('{"a":{"a":{"a":1}}}'), [], 'the same key in nested objects is no duplicate');
    assert.deepEqual(duplicateKeys(`${'['.repeat(5000)}${']'.repeat(5000)}`), []);
    assert.deepEqual(duplicateKeys('"just a string"'), []);
  });
});
