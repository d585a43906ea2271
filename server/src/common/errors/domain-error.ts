import type { ErrorBody } from '@qingting/shared';
import { ERROR_CODES, ErrorCode } from './error-codes';

/** The one exception type services throw; the global filter turns it into `{ code, message }`. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: ErrorBody['details'],
  ) {
    super(message ?? ERROR_CODES[code].message);
    this.name = 'DomainError';
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}
