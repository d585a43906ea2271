import type { ErrorSpec } from '../common/errors/error-codes';

/** Error codes of the real-time connection (answered as `error` frames, never HTTP). */
export const REALTIME_ERRORS = {
  /** Not JSON, not an object, an unknown `type`, or a field missing or of the wrong type. */
  'ws/bad_frame': { status: 400, message: '消息格式有误' },
} as const satisfies Record<string, ErrorSpec>;
