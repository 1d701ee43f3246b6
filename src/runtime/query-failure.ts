// An error that stops a persistent query (state ERROR) instead of being logged per record.

import { EddyError } from '../common/errors.js';

export class QueryFailure extends EddyError {
  override readonly kind = 'runtime';
}
