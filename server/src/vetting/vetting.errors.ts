import type { ErrorSpec } from '../common/errors/error-codes';

/** Error codes of the vetting module (applications, uploads, training, review, tiers). */
export const VETTING_ERRORS = {} as const satisfies Record<string, ErrorSpec>;
