import type { ErrorSpec } from '../common/errors/error-codes';

/** Error codes of the safety module (the crisis alert queue). */
export const SAFETY_ERRORS = {
  'crisis_alert/not_found': { status: 404, message: '找不到这条危机预警' },
  /** Someone else resolved the alert first (or it was never open). */
  'crisis_alert/already_resolved': { status: 409, message: '这条危机预警已被处理' },
} as const satisfies Record<string, ErrorSpec>;
