// Compares one /query response with a REST case's expected items the way ksqlDB's own REST
// test executor does (RestTestExecutor, since ksqlDB PR #8202 "make RQTT test insensitive to
// row ordering"): the item counts must agree and every item is matched at its position, except
// the rows' values, which are compared as a multiset over the whole response unless the case
// sets `outputConditions.verifyOrder`. The expected row order in ksqlDB's case files is not
// something ksqlDB itself produces or checks (a table scan's order depends on partitions,
// hosts and timing), so checking it here would fail Eddy on orders ksqlDB's suite accepts.

import { describe, matchValue } from './compare.js';

type Item = Record<string, unknown>;
type Mismatch = (expected: unknown, actual: unknown, path: string) => string | null;

/** True when a case asks for rows in the order written (ksqlDB's outputConditions.verifyOrder). */
export function verifiesOrder(outputConditions: unknown): boolean {
  return (outputConditions as { verifyOrder?: unknown } | undefined)?.verifyOrder === true;
}

/**
 * The part of a row item compared without regard to order: `row.columns` of a JSON row, or
 * the whole `row` of a protobuf row printed as text. Undefined for headers, final messages.
 */
function unorderedPart(item: Item | undefined): { value: unknown; rest: Item } | undefined {
  const row = item?.row;
  if (typeof row === 'string') {
    const { row: _row, ...rest } = item!;
    return { value: row, rest };
  }
  if (row !== null && typeof row === 'object' && 'columns' in row) {
    const { columns, ...otherRowFields } = row as Item;
    return { value: columns, rest: { ...item, row: otherRowFields } };
  }
  return undefined;
}

/** A pairing of every expected value with its own actual value (Kuhn's augmenting paths), or the first expected index left unpaired. */
function unpairedExpected(expected: unknown[], actual: unknown[]): number | undefined {
  const fits = expected.map((e) => actual.map((a) => matchValue(e, a) === null));
  const ownerOf = new Array<number>(actual.length).fill(-1);
  const claim = (e: number, seen: boolean[]): boolean => {
    for (let a = 0; a < actual.length; a++) {
      if (!fits[e]![a] || seen[a]) continue;
      seen[a] = true;
      if (ownerOf[a] === -1 || claim(ownerOf[a]!, seen)) {
        ownerOf[a] = e;
        return true;
      }
    }
    return false;
  };
  for (let e = 0; e < expected.length; e++) {
    if (!claim(e, new Array<boolean>(actual.length).fill(false))) return e;
  }
  return undefined;
}

/** Null when the response matches, else where and why not. `subset` compares one item's expected fields. */
export function compareQueryResponse(expected: Item[], actual: Item[], n: number, verifyOrder: boolean, subset: Mismatch): string | null {
  const expectedRows: unknown[] = [];
  const actualRows: unknown[] = [];
  const rowAt: number[] = [];
  for (let i = 0; i < Math.min(expected.length, actual.length); i++) {
    const e = verifyOrder ? undefined : unorderedPart(expected[i]);
    const a = e ? unorderedPart(actual[i]) : undefined;
    if (e && a) {
      expectedRows.push(e.value);
      actualRows.push(a.value);
      rowAt.push(i);
    }
    const why = subset(e && a ? e.rest : expected[i], e && a ? a.rest : actual[i], `query ${n} item ${i}`);
    if (why) return why;
  }
  if (expected.length !== actual.length) {
    return `query ${n}: expected ${expected.length} items, got ${actual.length}: ${describe(actual).slice(0, 400)}`;
  }
  const missing = unpairedExpected(expectedRows, actualRows);
  if (missing === undefined) return null;
  return `query ${n} item ${rowAt[missing]}: expected row ${describe(expectedRows[missing])} among the rows returned in any order (ksqlDB's REST tests do not check row order), got ${describe(actualRows).slice(0, 400)}`;
}
