import type { ErrorSpec } from '../common/errors/error-codes';

/** Error codes of the listeners module (discovery, profiles, workbench). */
export const LISTENER_ERRORS = {
  'listener/not_found': { status: 404, message: '找不到这位倾听者' },
} as const satisfies Record<string, ErrorSpec>;
