// A step tree as JSON text and back. Constant function arguments may be BIGINTs (bigint),
// DECIMALs or BYTES, which JSON cannot carry; they travel as tagged objects.

import { Decimal } from '../common/decimal.js';
import { PLAN_VERSION, type QueryPlan } from './steps.js';

const BIGINT_TAG = '$bigint';
const DECIMAL_TAG = '$decimal';
const BYTES_TAG = '$bytes';

export class PlanFormatError extends Error {}

/** JSON.stringify replacer for anything holding a plan (the command log uses it for whole commands). */
export function planReplacer(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  if (typeof raw === 'bigint') return { [BIGINT_TAG]: raw.toString() };
  if (raw instanceof Decimal) return { [DECIMAL_TAG]: raw.unscaled.toString(), scale: raw.scale };
  if (Buffer.isBuffer(raw)) return { [BYTES_TAG]: raw.toString('base64') };
  return value;
}

/** JSON.parse reviver that undoes planReplacer. */
export function planReviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    if (typeof o[BIGINT_TAG] === 'string') return BigInt(o[BIGINT_TAG]);
    if (typeof o[DECIMAL_TAG] === 'string') return new Decimal(BigInt(o[DECIMAL_TAG]), Number(o.scale));
    if (typeof o[BYTES_TAG] === 'string') return Buffer.from(o[BYTES_TAG], 'base64');
  }
  return value;
}

export function encodePlan(plan: QueryPlan): string {
  return JSON.stringify(plan, planReplacer);
}

export function decodePlan(text: string): QueryPlan {
  const plan = JSON.parse(text, planReviver) as QueryPlan;
  checkPlanVersion(plan);
  return plan;
}

export function checkPlanVersion(plan: { version?: unknown; queryId?: unknown }): void {
  if (plan.version !== PLAN_VERSION) {
    throw new PlanFormatError(
      `Query ${String(plan.queryId)} has a stored plan of version ${String(plan.version)}; this server runs plan version ${PLAN_VERSION}. ` +
        'Drop and recreate the query, or run it on a server of the version that wrote it.',
    );
  }
}

/** The plan as the JSON round trip leaves it: what a stored plan will look like when read back. */
export function roundTrip(plan: QueryPlan): QueryPlan {
  return decodePlan(encodePlan(plan));
}
