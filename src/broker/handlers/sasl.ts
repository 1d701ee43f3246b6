// SaslHandshake and SaslAuthenticate: the client picks a mechanism and trades tokens with
// this connection's SaslSession. A refused authentication is answered, then the connection
// is closed, as Kafka does.

import { ErrorCode } from '../../log/errors.js';
import type { Body, BrokerContext, RequestInfo } from '../context.js';
import { SaslAuthenticationError } from '../security/sasl.js';

export function saslHandshake(_ctx: BrokerContext, req: Body, info: RequestInfo): Body {
  const session = info.sasl;
  if (!session) return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: [] };
  const mechanisms = session.offered;
  if (session.authenticated || session.mechanism !== undefined) {
    info.closeAfterResponse('SaslHandshake after the SASL mechanism was chosen');
    return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms };
  }
  if (!session.handshake(req.mechanism, info.version)) {
    info.closeAfterResponse(`SASL mechanism '${req.mechanism}' is not enabled (enabled: ${mechanisms.join(', ')})`);
    return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms };
  }
  return { errorCode: 0, mechanisms };
}

export function saslAuthenticate(_ctx: BrokerContext, req: Body, info: RequestInfo): Body {
  const session = info.sasl;
  const refuse = (errorCode: number, errorMessage: string, reason: string): Body => {
    info.closeAfterResponse(reason);
    return { errorCode, errorMessage, authBytes: Buffer.alloc(0), sessionLifetimeMs: 0 };
  };
  if (!session) return refuse(ErrorCode.ILLEGAL_SASL_STATE, 'SASL is not enabled on this listener', 'SaslAuthenticate on a listener without SASL');
  if (session.mechanism === undefined || session.authenticated || session.handshakeVersion === 0) {
    return refuse(ErrorCode.ILLEGAL_SASL_STATE, 'Unexpected SaslAuthenticate request', 'SaslAuthenticate out of order');
  }
  try {
    const authBytes = session.step(req.authBytes as Buffer);
    return { errorCode: 0, errorMessage: null, authBytes, sessionLifetimeMs: 0 };
  } catch (e) {
    if (!(e instanceof SaslAuthenticationError)) throw e;
    return refuse(ErrorCode.SASL_AUTHENTICATION_FAILED, e.message, `SASL authentication failed from ${info.clientHost}: ${e.reason}`);
  }
}
