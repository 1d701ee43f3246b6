// The one question handlers ask before they act: may this request's principal do this
// operation on this resource? Everything is allowed when no authorizer is configured.

import type { BrokerContext, RequestInfo } from '../context.js';

export function allowed(ctx: BrokerContext, info: RequestInfo, operation: number, resourceType: number, resourceName: string): boolean {
  return !ctx.acls || ctx.acls.authorize(info.principal, info.clientHost, operation, resourceType, resourceName);
}
