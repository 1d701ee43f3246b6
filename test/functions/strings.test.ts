import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BYTES, INTEGER, STRING } from '../../src/common/types.js';
import { callT } from './helpers.js';

const b64 = (s: string) => Buffer.from(s, 'base64');

test('SUBSTRING on strings and bytes (substring.json)', () => {
  assert.equal(callT('SUBSTRING', [STRING, INTEGER], 'some_string', 6), 'string');
  assert.equal(callT('SUBSTRING', [STRING, INTEGER], 'another', 6), 'er');
  assert.equal(callT('SUBSTRING', [STRING, INTEGER], 'short', 6), '');
  assert.equal(callT('SUBSTRING', [STRING, INTEGER], null, 1), null);
  assert.equal(callT('SUBSTRING', [STRING, INTEGER], 'x', null), null);
  assert.equal(callT('SUBSTRING', [STRING, INTEGER, INTEGER], 'some_string', -6, 3), 'str');
  assert.equal(callT('SUBSTRING', [STRING, INTEGER, INTEGER], 'abc', 0, 2), 'ab');
  assert.equal((callT('SUBSTRING', [BYTES, INTEGER, INTEGER], b64('c29tZV9zdHJpbmc='), 6, 3) as Buffer).toString('base64'), 'c3Ry');
  assert.equal((callT('SUBSTRING', [BYTES, INTEGER, INTEGER], b64('c2hvcnQ='), 6, 3) as Buffer).toString('base64'), '');
});

test('CONCAT and CONCAT_WS skip nulls', () => {
  assert.equal(callT('CONCAT', [STRING, STRING, STRING], 'a', null, 'b'), 'ab');
  assert.equal(callT('CONCAT', [STRING, STRING], '"', 'foo\\'), '"foo\\');
  assert.equal((callT('CONCAT', [BYTES, BYTES], b64('eWVz'), b64('bm8=')) as Buffer).toString('base64'), 'eWVzbm8=');
  assert.equal(callT('CONCAT_WS', [STRING, STRING, STRING, STRING], '-', 'a', null, 'c'), 'a-c');
  assert.equal(callT('CONCAT_WS', [STRING, STRING], null, 'a'), null);
});

test('INSTR (instr.json)', () => {
  assert.equal(callT('INSTR', [STRING, STRING], 'corporate floor', 'or'), 2);
  assert.equal(callT('INSTR', [STRING, STRING], 'should I stay or should I go', 'or'), 15);
  assert.equal(callT('INSTR', [STRING, STRING], 'no substring', 'or'), 0);
  assert.equal(callT('INSTR', [STRING, STRING, INTEGER], 'corporate floor', 'or', 4), 5);
  assert.equal(callT('INSTR', [STRING, STRING, INTEGER, INTEGER], 'corporate floor', 'or', 4, 2), 14);
  assert.equal(callT('INSTR', [STRING, STRING, INTEGER, INTEGER], 'corporate floor', 'or', -4, 2), 2);
  assert.equal(callT('INSTR', [STRING, STRING, INTEGER, INTEGER], 'short', 'or', -4, 2), 0);
});

test('LPAD and RPAD (string-lpad-rpad.json, bytes-lpad-rpad.json)', () => {
  assert.equal(callT('LPAD', [STRING, INTEGER, STRING], 'foo', 7, 'Bar'), 'BarBfoo');
  assert.equal(callT('LPAD', [STRING, INTEGER, STRING], 'foo', 5, 'Bar'), 'Bafoo');
  assert.equal(callT('LPAD', [STRING, INTEGER, STRING], 'foo', 2, 'Bar'), 'fo');
  assert.equal(callT('LPAD', [STRING, INTEGER, STRING], 'foo', -1, 'Bar'), null);
  assert.equal(callT('LPAD', [STRING, INTEGER, STRING], 'foo', 7, ''), null);
  assert.equal(callT('LPAD', [STRING, INTEGER, STRING], '', 7, 'Bar'), 'BarBarB');
  assert.equal(callT('RPAD', [STRING, INTEGER, STRING], 'foo', 7, 'Bar'), 'fooBarB');
  assert.equal(callT('RPAD', [STRING, INTEGER, STRING], 'foo', 5, 'Bar'), 'fooBa');
  assert.deepEqual(callT('LPAD', [BYTES, INTEGER, BYTES], Buffer.from('foo'), 7, Buffer.from('Bar')), Buffer.from('BarBfoo'));
});

test('CHR (chr.json)', () => {
  assert.equal(callT('CHR', [INTEGER], 75), 'K');
  assert.equal(callT('CHR', [INTEGER], 22909), '\u597d');
  assert.equal(callT('CHR', [INTEGER], 99000), '\ud820\udeb8');
  assert.equal(callT('CHR', [INTEGER], -1), null);
  assert.equal(callT('CHR', [STRING], '\\u004b'), 'K');
  assert.equal(callT('CHR', [STRING], '\\ud820\\udeb8'), '\ud820\udeb8');
  for (const bad of ['75', '004b', 'bogus', '', null]) assert.equal(callT('CHR', [STRING], bad), null);
});

test('case, trim, initcap, len, replace, md5', () => {
  assert.equal(callT('INITCAP', [STRING], 'the   Quick br0wn fOx'), 'The   Quick Br0wn Fox');
  assert.equal(callT('INITCAP', [STRING], 'some_string'), 'Some_string');
  assert.equal(callT('LCASE', [STRING], 'AbC'), 'abc');
  assert.equal(callT('TRIM', [STRING], ' \t x y \n'), 'x y');
  assert.equal(callT('LEN', [STRING], '\ud820\udeb8'), 2);
  assert.equal(callT('LEN', [BYTES], Buffer.from([1, 2, 3])), 3);
  assert.equal(callT('REPLACE', [STRING, STRING, STRING], 'a.b.c', '.', '$'), 'a$b$c');
  assert.equal(callT('MD5', [STRING], 'hello'), '5d41402abc4b2a76b9719d911017c592');
});

test('SPLIT and SPLIT_TO_MAP (split.json)', () => {
  assert.deepEqual(callT('SPLIT', [STRING, STRING], 'a$$b.c', '$$'), ['a', 'b.c']);
  assert.deepEqual(callT('SPLIT', [STRING, STRING], '.abc$$', '$$'), ['.abc', '']);
  assert.deepEqual(callT('SPLIT', [STRING, STRING], '', '$$'), ['']);
  assert.deepEqual(callT('SPLIT', [STRING, STRING], 'a.b', ''), ['a', '.', 'b']);
  assert.deepEqual(callT('SPLIT', [STRING, STRING], '', ''), ['']);
  const bytes = callT('SPLIT', [BYTES, BYTES], b64('YSQkYi5j'), Buffer.from('$$')) as Buffer[];
  assert.deepEqual(bytes.map((b) => b.toString('base64')), ['YQ==', 'Yi5j']);
  const chars = callT('SPLIT', [BYTES, BYTES], b64('YWJj'), Buffer.alloc(0)) as Buffer[];
  assert.deepEqual(chars.map((b) => b.toString('base64')), ['YQ==', 'Yg==', 'Yw==']);
  assert.deepEqual(callT('SPLIT_TO_MAP', [STRING, STRING, STRING], 'a=1;b=2;;c', ';', '='), new Map([['a', '1'], ['b', '2']]));
});

test('regular expressions (regex.json, split.json)', () => {
  assert.equal(callT('REGEXP_EXTRACT', [STRING, STRING], 'test.', 'some_test_string'), 'test_');
  assert.equal(callT('REGEXP_EXTRACT', [STRING, STRING], 'test.', 'anothertest'), null);
  assert.equal(callT('REGEXP_EXTRACT', [STRING, STRING, INTEGER], '(.*) (.*)', 'steven zhang', 2), 'zhang');
  assert.equal(callT('REGEXP_EXTRACT', [STRING, STRING, INTEGER], '(.*) (.*)', 'agavra', 2), null);
  assert.deepEqual(callT('REGEXP_EXTRACT_ALL', [STRING, STRING], 'test.', 'some_test_string_testabab'), ['test_', 'testa']);
  assert.deepEqual(callT('REGEXP_EXTRACT_ALL', [STRING, STRING, INTEGER], '(\\w+) (\\w*)', 'apurva mehta agavra ', 2), ['mehta', '']);
  assert.deepEqual(callT('REGEXP_EXTRACT_ALL', [STRING, STRING], 'x', 'nothing'), []);
  assert.deepEqual(callT('REGEXP_SPLIT_TO_ARRAY', [STRING, STRING], 'aabcda', '(ab|cd)'), ['a', '', 'a']);
  assert.deepEqual(callT('REGEXP_SPLIT_TO_ARRAY', [STRING, STRING], 'aabdcda', '(ab|cd)'), ['a', 'd', 'a']);
  assert.deepEqual(callT('REGEXP_SPLIT_TO_ARRAY', [STRING, STRING], 'zxy', '(ab|cd)'), ['zxy']);
  assert.equal(callT('REGEXP_REPLACE', [STRING, STRING, STRING], 'foo bar', '(\\w+) (\\w+)', '$2 $1'), 'bar foo');
  assert.equal(callT('REGEXP_REPLACE', [STRING, STRING, STRING], 'a.b', '\\.', '\\$'), 'a$b');
  assert.equal(callT('REGEXP_EXTRACT', [STRING, STRING], '(?i)ABC', 'xabcx'), 'abc');
});

test('MASK family', () => {
  assert.equal(callT('MASK', [STRING], 'AbCd#$123xy Z'), 'XxXx--nnnxx-X');
  assert.equal(callT('MASK', [STRING, STRING, STRING, STRING, STRING], 'AbCd#$123xy Z', '*', '-', '!', '$'), '*-*-$$!!!--$*');
  assert.equal(callT('MASK', [STRING, STRING, STRING, STRING, STRING], 'AbCd#$123xy Z', null, '-', null, null), 'A-C-#$123-- Z');
  assert.equal(callT('MASK_LEFT', [STRING, INTEGER], 'AbCd#$123xy Z', 5), 'XxXx-$123xy Z');
  assert.equal(callT('MASK_RIGHT', [STRING, INTEGER], 'AbCd#$123xy Z', 5), 'AbCd#$12nxx-X');
  assert.equal(callT('MASK_KEEP_LEFT', [STRING, INTEGER], 'AbCd#$123xy Z', 5), 'AbCd#-nnnxx-X');
  assert.equal(callT('MASK_KEEP_RIGHT', [STRING, INTEGER], 'AbCd#$123xy Z', 5), 'XxXx--nn3xy Z');
  assert.equal(callT('MASK_LEFT', [STRING, INTEGER], 'ab', 10), 'xx');
});

test('encodings: ENCODE, TO_BYTES, FROM_BYTES', () => {
  assert.equal(callT('ENCODE', [STRING, STRING, STRING], 'Hello', 'utf8', 'hex'), '48656c6c6f');
  assert.equal(callT('ENCODE', [STRING, STRING, STRING], '48656c6c6f', 'hex', 'base64'), 'SGVsbG8=');
  assert.equal(callT('ENCODE', [STRING, STRING, STRING], 'SGVsbG8=', 'base64', 'utf8'), 'Hello');
  assert.deepEqual(callT('TO_BYTES', [STRING, STRING], 'hello', 'ascii'), Buffer.from('hello'));
  assert.equal(callT('FROM_BYTES', [BYTES, STRING], Buffer.from('hi'), 'base64'), 'aGk=');
  assert.throws(() => callT('TO_BYTES', [STRING, STRING], 'x', 'utf16'));
});

test('UUID, ELT, FIELD', () => {
  assert.match(callT('UUID', []) as string, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(
    callT('UUID', [BYTES], Buffer.from('0123456789abcdef0123456789abcdef', 'hex')),
    '01234567-89ab-cdef-0123-456789abcdef',
  );
  assert.equal(callT('UUID', [BYTES], Buffer.from([1])), null);
  assert.equal(callT('ELT', [INTEGER, STRING, STRING], 2, 'a', 'b'), 'b');
  assert.equal(callT('ELT', [INTEGER, STRING, STRING], 3, 'a', 'b'), null);
  assert.equal(callT('FIELD', [STRING, STRING, STRING], 'b', 'a', 'b'), 2);
  assert.equal(callT('FIELD', [STRING, STRING, STRING], null, 'a', null), 0);
});
