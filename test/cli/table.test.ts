import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boxHeader, boxRow, boxRule, cellText, CUT_MARKER, fitLines, queryColumnWidths, renderBoxedTable, renderDashedTable, withTableWidth } from '../../cli/render/table.js';
import { renderEntity, schemaText } from '../../cli/render/entities.js';
import { columnNamesOf, JsonArrayItems } from '../../cli/client.js';

test('dashed tables size columns to their widest cell', () => {
  assert.deepEqual(renderDashedTable(['Name', 'Topic'], [['S', 'stream_topic'], ['LONGER_NAME', 't']]), [
    ' Name        | Topic        ',
    '----------------------------',
    ' S           | stream_topic ',
    ' LONGER_NAME | t            ',
    '----------------------------',
  ]);
});

test('boxed query tables wrap long cells and show null and JSON values', () => {
  const widths = [4, 6];
  assert.deepEqual(boxHeader(['K', 'VALUE'], widths), ['+----+------+', '|K   |VALUE |', '+----+------+']);
  assert.deepEqual(boxRow(['abcdef', null], widths), ['|abcd|null  |', '|ef  |      |']);
  assert.equal(cellText({ A: 1 }), '{"A":1}');
  assert.equal(cellText([1, 'x']), '[1,"x"]');
  assert.deepEqual(renderBoxedTable(['A'], [], 20).length, 3);
});

test('query column widths share the terminal; long headers wrap; too many columns go vertical', () => {
  assert.deepEqual(queryColumnWidths(['A', 'B'], 41), [19, 19]);
  assert.deepEqual(queryColumnWidths(['A_VERY_LONG_COLUMN_NAME'], 10), [8]);
  const thirteen = ['RIDER_ID', 'LATITUDE', 'LONGITUDE', 'CITY', 'COUNTRY', 'SPEED_KMH', 'HEADING', 'BATTERY', 'STATUS', 'VEHICLE_TYPE', 'UPDATED_AT', 'ZONE', 'NOTES'];
  const widths = queryColumnWidths(thirteen, 79)!;
  const table = renderBoxedTable(thirteen, [thirteen.map((c) => `${c.toLowerCase()} value that is rather long`)], 79);
  assert.ok(table.every((l) => l.length <= 79), table.join('\n'));
  assert.equal(boxRule(widths).length, 79);
  assert.ok(table.some((l) => l.includes(CUT_MARKER)), 'long values are cut with a marker');
  assert.equal(queryColumnWidths(Array.from({ length: 20 }, (_, i) => `C${i}`), 79), null);
  const vertical = renderBoxedTable(Array.from({ length: 20 }, (_, i) => `C${i}`), [Array.from({ length: 20 }, (_, i) => i)], 79);
  assert.equal(vertical[0], '-[ RECORD 1 ]' + '-'.repeat(13));
  assert.deepEqual(vertical.slice(1, 3), ['C0  | 0', 'C1  | 1']);
  assert.equal(vertical.length, 21);
});

test('vertical layout and free text fitted to the width', () => {
  const lines = withTableWidth(30, () => renderDashedTable(['Name', 'Topic'], [['S', 'a topic name that is far too long to fit']]), true);
  assert.deepEqual(lines, ['-[ RECORD 1 ]---------------', 'Name  | S', 'Topic | a topic name that is f', '      | ar too long to fit']);
  assert.deepEqual(fitLines(['SQL   : CREATE STREAM X AS SELECT * FROM S;', '  short'], 24), ['SQL   : CREATE STREAM X', '        AS SELECT * FROM', '        S;', '  short']);
  assert.ok(fitLines(['SQL   : CREATE STREAM X AS SELECT * FROM S;'], 24).every((l) => l.length <= 24));
  assert.match(fitLines(['SQL   : CREATE STREAM X AS SELECT * FROM S;'], 24)[1]!, /^ {8}\S/);
});

test('entity renderers: status, listings, descriptions, errors', () => {
  assert.deepEqual(
    renderEntity({ '@type': 'currentStatus', statementText: 'x', commandStatus: { status: 'SUCCESS', message: 'Stream created' }, warnings: [] }),
    [' Message        ', '----------------', ' Stream created ', '----------------'],
  );
  assert.deepEqual(
    renderEntity({ '@type': 'currentStatus', commandStatus: { status: 'ERROR', message: "line 1:8: Syntax Error\n\nSyntax error at or near 'FORM'" }, warnings: [] }),
    ['line 1:8: Syntax Error', "Syntax error at or near 'FORM'"],
  );
  const streams = renderEntity({
    '@type': 'streams',
    streams: [{ name: 'S', topic: 's', keyFormat: 'KAFKA', valueFormat: 'JSON', isWindowed: false, type: 'STREAM' }],
    warnings: [{ message: 'careful' }],
  });
  assert.match(streams[0]!, /Stream Name \| Kafka Topic \| Key Format \| Value Format \| Windowed/);
  assert.match(streams[2]!, /S +\| s +\| KAFKA +\| JSON +\| false/);
  assert.equal(streams.at(-1), 'WARNING: careful');
  const described = renderEntity({
    '@type': 'sourceDescription',
    sourceDescription: {
      name: 'S',
      type: 'STREAM',
      keyFormat: 'KAFKA',
      valueFormat: 'JSON',
      topic: 's',
      partitions: 1,
      replication: 1,
      fields: [
        { name: 'K', schema: { type: 'STRING' }, type: 'KEY' },
        { name: 'L', schema: { type: 'ARRAY', memberSchema: { type: 'INTEGER' } } },
      ],
    },
  });
  assert.ok(described.some((l) => /K +\| VARCHAR\(STRING\)  \(key\)/.test(l)));
  assert.ok(described.some((l) => /L +\| ARRAY<INTEGER>/.test(l)));
  const queries = renderEntity({
    '@type': 'queries',
    queries: [{ id: 'CSAS_X_0', queryType: 'PERSISTENT', statusCount: { RUNNING: 1 }, sinks: ['X'], sinkKafkaTopics: ['X'], queryString: 'CREATE STREAM X AS SELECT * FROM S;' }],
  });
  assert.match(queries[2]!, /CSAS_X_0 +\| PERSISTENT \| RUNNING:1 \| X +\| X +\| CREATE STREAM X/);
  assert.deepEqual(renderEntity({ '@type': 'warning_entity', message: 'hm' }), ['hm']);
  assert.match(renderEntity({ '@type': 'something_new', a: 1 }).join('\n'), /"something_new"/);
  assert.equal(schemaText({ type: 'DECIMAL', parameters: { precision: 4, scale: 2 } }), 'DECIMAL(4, 2)');
  assert.equal(schemaText({ type: 'STRUCT', fields: [{ name: 'A', schema: { type: 'BIGINT' } }] }), 'STRUCT<A BIGINT>');
});

test('column names come out of schema texts, nested types included', () => {
  assert.deepEqual(columnNamesOf('`K` STRING KEY, `V` STRUCT<`A` INTEGER, `B` MAP<STRING, INTEGER>>, `x,y` DECIMAL(4, 2)'), ['K', 'V', 'x,y']);
});

test('JSON array elements are cut out as soon as they are complete, however chunked', () => {
  const text = '[{"header":{"schema":"`A` STRING"}},\n{"row":{"columns":["a]},{\\"",1]}},\n{"finalMessage":"Limit Reached"}]\n';
  for (const size of [1, 3, 7, text.length]) {
    const items: unknown[] = [];
    const splitter = new JsonArrayItems((t) => items.push(JSON.parse(t)));
    for (let i = 0; i < text.length; i += size) splitter.push(text.slice(i, i + size));
    assert.deepEqual(items, JSON.parse(text), `chunk size ${size}`);
  }
  const partial: unknown[] = [];
  const s = new JsonArrayItems((t) => partial.push(JSON.parse(t)));
  s.push('[{"header":{}}');
  assert.equal(partial.length, 1, 'an element is delivered before the next one starts');
  s.push(', 1, "x" ]');
  assert.deepEqual(partial, [{ header: {} }, 1, 'x']);
});

test('listing tables fit the terminal: the widest column wraps', () => {
  const queries = {
    '@type': 'queries',
    queries: [
      {
        id: 'CSAS_LONG_VIEWS_1',
        queryType: 'PERSISTENT',
        statusCount: { RUNNING: 1 },
        sinks: ['LONG_VIEWS'],
        sinkKafkaTopics: ['LONG_VIEWS'],
        queryString: 'CREATE STREAM long_views AS\n  SELECT user_id FROM pageviews\n  WHERE duration_ms >= 1000;',
      },
    ],
  };
  const wide = renderEntity(queries);
  assert.equal(wide[2], ' CSAS_LONG_VIEWS_1 | PERSISTENT | RUNNING:1 | LONG_VIEWS | LONG_VIEWS       | CREATE STREAM long_views AS SELECT user_id FROM pageviews WHERE duration_ms >= 1000; ');
  const narrow = withTableWidth(80, () => renderEntity(queries));
  assert.ok(narrow.every((l) => l.length <= 80), narrow.join('\n'));
  assert.match(narrow[0]!, /^ Query ID +\| Query Type \| Status +\| Sink Name +\| Sink Kafka Topic $/);
  assert.match(narrow[2]!, /^ CSAS_LONG_VIEWS_1 \| PERSISTENT \| RUNNING:1 \| LONG_VIEWS \| LONG_VIEWS +$/);
  assert.deepEqual(narrow.slice(4, 6), ['CSAS_LONG_VIEWS_1: CREATE STREAM long_views AS SELECT user_id FROM pageviews', '  WHERE duration_ms >= 1000;']);
  const tiny = fitLines(withTableWidth(40, () => renderEntity(queries)), 40);
  assert.ok(tiny.every((l) => l.length <= 40), tiny.join('\n'));
});

test('vertical output of listings, also when empty', () => {
  const none = withTableWidth(80, () => renderEntity({ '@type': 'queries', queries: [] }), true);
  assert.deepEqual(none, ['For detailed information on a Query run: EXPLAIN <Query ID>;']);
  const one = withTableWidth(
    80,
    () => renderEntity({ '@type': 'queries', queries: [{ id: 'Q_1', queryType: 'PERSISTENT', state: 'RUNNING', sinks: [], sinkKafkaTopics: [], queryString: 'CREATE STREAM X AS SELECT * FROM S;' }] }),
    true,
  );
  assert.equal(one[0], '-[ RECORD 1 ]' + '-'.repeat(Math.min(80, 16 + 3 + 20) - 13));
  assert.ok(one.includes('Query String     | CREATE STREAM X AS SELECT * FROM S;'), one.join('\n'));
});
