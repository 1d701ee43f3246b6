// The settings of a windowed aggregation that come from configuration (SET, the server's
// properties) or from the CREATE ... AS SELECT's WITH clause rather than from the WINDOW
// clause: the late-record topic, the idle timeout that closes windows of a quiet stream,
// and whether EMIT FINAL still emits windows that passed their retention in a jump (by
// default it does: every window that held records is emitted once; `false` is ksqlDB's rule).

import type { WindowExpression } from '../../parser/ast.js';
import type { WindowSpec } from '../../plan/steps.js';
import { getProperty } from '../../config/index.js';
import { QueryPlanningError } from './errors.js';

export const IDLE_CLOSE_PROPERTY = 'ksql.suppress.idle.close.ms';
export const EMIT_EXPIRED_PROPERTY = 'ksql.suppress.emit.expired.windows';

type Settings = Pick<WindowSpec, 'idleCloseMs' | 'emitExpired' | 'lateRecordsTopic'>;

function idleMs(value: unknown, where: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new QueryPlanningError(`${where} must be a whole number of milliseconds (0 turns it off), got '${String(value)}'.`);
  return n > 0 ? n : undefined;
}

function isFalse(value: unknown): boolean {
  return value === false || String(value).toLowerCase() === 'false';
}

/** What the configuration says, for a query's WINDOW clause. */
export function windowSettings(properties: Record<string, unknown>, emitFinal: boolean, w: WindowExpression): Settings {
  const out: Settings = {};
  const idle = idleMs(getProperty(properties, IDLE_CLOSE_PROPERTY), IDLE_CLOSE_PROPERTY);
  if (idle !== undefined && emitFinal && w.type !== 'COUNT') out.idleCloseMs = idle;
  const emitExpired = getProperty(properties, EMIT_EXPIRED_PROPERTY);
  if (emitExpired === undefined || emitExpired === null || emitExpired === '' || !isFalse(emitExpired)) out.emitExpired = true;
  return out;
}

/** The WITH properties of a CREATE ... AS SELECT that shape its window (they win over the configuration). */
export function applyWindowWith(window: WindowSpec | undefined, emitFinal: boolean, props: Map<string, unknown>): void {
  const late = props.get('LATE_RECORDS_TOPIC');
  const idle = props.get('SUPPRESS_IDLE_CLOSE_MS');
  if (!window) {
    const name = late !== undefined ? 'LATE_RECORDS_TOPIC' : idle !== undefined ? 'SUPPRESS_IDLE_CLOSE_MS' : undefined;
    if (name) throw new QueryPlanningError(`${name} is only valid for windowed aggregations (a WINDOW clause).`);
    return;
  }
  if (late !== undefined) {
    const topic = String(late).trim();
    if (!/^[A-Za-z0-9._-]+$/.test(topic)) throw new QueryPlanningError(`LATE_RECORDS_TOPIC '${String(late)}' is not a valid topic name (letters, digits, '.', '_' and '-').`);
    if (window.type === 'COUNT') throw new QueryPlanningError('LATE_RECORDS_TOPIC does not apply to COUNT windows: they drop no record as late.');
    window.lateRecordsTopic = topic;
  }
  if (idle !== undefined) {
    if (!emitFinal || window.type === 'COUNT') throw new QueryPlanningError('SUPPRESS_IDLE_CLOSE_MS applies to time windows with EMIT FINAL only.');
    const ms = idleMs(idle, 'SUPPRESS_IDLE_CLOSE_MS');
    if (ms === undefined) delete window.idleCloseMs;
    else window.idleCloseMs = ms;
  }
}
