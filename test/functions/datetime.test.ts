import { test } from 'node:test';
import assert from 'node:assert/strict';
import { functionRegistry } from '../../src/functions/index.js';
import { BIGINT, DATE, INTEGER, STRING, TIME, TIMESTAMP } from '../../src/common/types.js';
import { callT, v } from './helpers.js';

test('FORMAT_DATE and DATETOSTRING (format-date.json, datestring.json)', () => {
  const cases: [number, string, string][] = [
    [17662, 'yyyy-MM-dd', '2018-05-11'],
    [18027, 'dd/MM/yyyy', '11/05/2019'],
    [18993, 'dd-MMM-yyyy', '01-Jan-2022'],
    [0, 'dd-MM-yyyy', '01-01-1970'],
    [-1, "dd-MM-yyyy'Sophia'", '31-12-1969Sophia'],
  ];
  for (const [days, fmt, out] of cases) {
    assert.equal(callT('FORMAT_DATE', [DATE, STRING], days, fmt), out);
    assert.equal(callT('DATETOSTRING', [INTEGER, STRING], days, fmt), out);
  }
  assert.throws(() => callT('FORMAT_DATE', [DATE, STRING], 1, 'HH'), /Unsupported field/);
  assert.equal(callT('FORMAT_DATE', [DATE, STRING], null, 'yyyy'), null);
});

test('PARSE_DATE and STRINGTODATE (parse-date.json, stringdate.json)', () => {
  const cases: [string, string, number][] = [
    ['2018-05-11Lit', "yyyy-MM-dd'Lit'", 17662],
    ['11/05/2019', 'dd/MM/yyyy', 18027],
    ['01-Jan-2022', 'dd-MMM-yyyy', 18993],
    ['01-01-1970', 'dd-MM-yyyy', 0],
    ['01-JAN-2022', 'dd-MMM-yyyy', 18993],
    ['JAN-2022', 'MMM-yyyy', 18993],
    ['20220101', 'yyyyMMdd', 18993],
  ];
  for (const [text, fmt, days] of cases) {
    assert.equal(callT('PARSE_DATE', [STRING, STRING], text, fmt), days, `${text} ${fmt}`);
    assert.equal(callT('STRINGTODATE', [STRING, STRING], text, fmt), days);
  }
  assert.throws(() => callT('PARSE_DATE', [STRING, STRING], 'nope', 'yyyy-MM-dd'));
});

test('PARSE_DATE reads as SimpleDateFormat: text after the pattern is ignored, a time of day is refused; STRINGTODATE stays strict', () => {
  assert.equal(callT('PARSE_DATE', [STRING, STRING], '2003-12-24-01-01', 'yyyy-MM-dd'), 12410);
  assert.throws(() => callT('PARSE_DATE', [STRING, STRING], '2004', 'yyyy-MM-dd'));
  assert.throws(() => callT('PARSE_DATE', [STRING, STRING], '2004-01-01 10', 'yyyy-MM-dd HH'), /Date format contains time field/);
  assert.equal(callT('PARSE_DATE', [STRING, STRING], '2004-01-01 00', 'yyyy-MM-dd HH'), 12418);
  assert.throws(() => callT('STRINGTODATE', [STRING, STRING], '2003-12-24-01-01', 'yyyy-MM-dd'), /unparsed text found at index 10/);
});

test('PARSE_TIME and FORMAT_TIME (parse-time.json)', () => {
  assert.equal(callT('PARSE_TIME', [STRING, STRING], "00:01:05Lit", "HH:mm:ss'Lit'"), 65000);
  assert.equal(callT('PARSE_TIME', [STRING, STRING], '11/05/19', 'HH/mm/ss'), 39919000);
  assert.equal(callT('PARSE_TIME', [STRING, STRING], '01:00:00 PM', 'hh:mm:ss a'), 46800000);
  assert.equal(callT('PARSE_TIME', [STRING, STRING], '01:00:00 Pm', 'hh:mm:ss a'), 46800000);
  assert.equal(callT('FORMAT_TIME', [TIME, STRING], 46800123, 'hh:mm:ss.SSS a'), '01:00:00.123 PM');
  assert.throws(() => callT('FORMAT_TIME', [TIME, STRING], 0, 'yyyy'), /Unsupported field/);
});

test('STRINGTOTIMESTAMP and PARSE_TIMESTAMP with offsets and zone names (stringtimestamp.json)', () => {
  const fmt = "yyyy-MM-dd'T'HH:mm:ssX";
  assert.equal(callT('STRINGTOTIMESTAMP', [STRING, STRING], '2018-05-11T21:58:33Z', fmt), 1526075913000);
  assert.equal(callT('STRINGTOTIMESTAMP', [STRING, STRING], '2020-05-11T21:58:33z', fmt), 1589234313000);
  assert.equal(
    callT('STRINGTOTIMESTAMP', [STRING, STRING], '2019-08-27T13:31:09.2+0000', "yyyy-MM-dd'T'HH:mm:ss.SX"),
    1566912669200,
  );
  assert.equal(
    callT('PARSE_TIMESTAMP', [STRING, STRING], '2018-05-11T21:58:33 PST', "yyyy-MM-dd'T'HH:mm:ss zzz"),
    1526101113000,
  );
  assert.equal(
    callT('PARSE_TIMESTAMP', [STRING, STRING, STRING], '2018-05-11 14:58:33', 'yyyy-MM-dd HH:mm:ss', 'America/Los_Angeles'),
    1526075913000,
  );
  assert.equal(callT('PARSE_TIMESTAMP', [STRING, STRING], '2018-05-11 21:58:33.123', 'yyyy-MM-dd HH:mm:ss.SSS'), 1526075913123);
});

test('FORMAT_TIMESTAMP and TIMESTAMPTOSTRING with zones (timestamp-to-string.json)', () => {
  assert.equal(
    callT('FORMAT_TIMESTAMP', [TIMESTAMP, STRING, STRING], 1526075913000, 'yyyy-MM-dd HH:mm:ss zzz', 'America/Los_Angeles'),
    '2018-05-11 14:58:33 PDT',
  );
  assert.equal(
    callT('TIMESTAMPTOSTRING', [BIGINT, STRING, STRING], 1526075913000, 'yyyy-MM-dd HH:mm:ss zzz', 'Europe/London'),
    '2018-05-11 22:58:33 BST',
  );
  assert.equal(callT('FORMAT_TIMESTAMP', [TIMESTAMP, STRING], 1526075913000, "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"), '2018-05-11T21:58:33.000Z');
  assert.equal(
    callT('FORMAT_TIMESTAMP', [TIMESTAMP, STRING, STRING], 0, 'yyyy-MM-dd HH:mm Z', '+05:30'),
    '1970-01-01 05:30 +0530',
  );
  assert.equal(callT('FORMAT_TIMESTAMP', [TIMESTAMP, STRING], 0, 'EEEE, MMMM d, yyyy'), 'Thursday, January 1, 1970');
  assert.throws(() => callT('FORMAT_TIMESTAMP', [TIMESTAMP, STRING, STRING], 0, 'yyyy', 'Not/AZone'));
});

test('CONVERT_TZ (convert-tz.json)', () => {
  assert.equal(callT('CONVERT_TZ', [TIMESTAMP, STRING, STRING], 100, '+0200', '+0500'), 10800100);
  assert.equal(callT('CONVERT_TZ', [TIMESTAMP, STRING, STRING], 1589234313000, 'America/Los_Angeles', 'America/New_York'), 1589245113000);
  assert.equal(callT('CONVERT_TZ', [TIMESTAMP, STRING, STRING], null, 'UTC', 'UTC'), null);
});

test('DATEADD, TIMEADD, TIMESTAMPADD and the SUB variants take a unit', () => {
  const unit = (u: string) => ({ kind: 'unit', unit: u }) as const;
  const r = functionRegistry.resolveScalar('DATEADD', [unit('DAYS'), v(INTEGER), v(DATE)]);
  assert.equal(r.returnType.base, 'DATE');
  assert.equal(r.invoke('DAYS', 10, 10), 20);
  assert.equal(r.invoke('HOURS', 49, 0), 2);
  assert.equal(r.invoke('DAYS', null, 10), null);
  const ts = functionRegistry.resolveScalar('TIMESTAMPADD', [unit('MILLISECONDS'), v(INTEGER), v(TIMESTAMP)]);
  assert.deepEqual(ts.paramTypes, [null, BIGINT, TIMESTAMP]);
  assert.equal(ts.invoke('MILLISECONDS', -5, 2), -3);
  assert.equal(ts.invoke('SECONDS', 1, 0), 1000);
  const tsub = functionRegistry.resolveScalar('TIMESUB', [unit('MILLISECONDS'), v(INTEGER), v(TIME)]);
  assert.equal(tsub.invoke('MILLISECONDS', 10, 5), 86399995);
  assert.equal(tsub.invoke('MILLISECONDS', -5, 86399997), 2);
  assert.throws(() => functionRegistry.resolveScalar('DATEADD', [v(DATE), v(INTEGER), v(DATE)]), {
    message: /^Function 'dateadd' does not accept parameters \(DATE, INTEGER, DATE\)\./,
  });
});

test('FROM_DAYS, FROM_UNIXTIME, UNIX_DATE, UNIX_TIMESTAMP', () => {
  assert.equal(callT('FROM_DAYS', [INTEGER], -10), -10);
  assert.equal(callT('FROM_UNIXTIME', [BIGINT], 1589234313000), 1589234313000);
  assert.ok((callT('UNIX_DATE', []) as number) > 19000);
  assert.equal(callT('UNIX_DATE', [DATE], 100), 100);
  assert.equal(functionRegistry.resolveScalar('UNIX_TIMESTAMP', []).deterministic, false);
  assert.equal(callT('UNIX_TIMESTAMP', [TIMESTAMP], 5), 5);
});
