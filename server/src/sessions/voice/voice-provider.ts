import type { Session } from '@qingting/prisma';
import type { VoiceCallView } from '@qingting/shared';

/**
 * The voice-call port (PRODUCT.md §3 VOICE): an anonymous call between the two parties of a
 * session through a privacy-number or RTC provider. The platform owns timing and billing: the
 * provider's call-start callback counts as both parties present (starts the clock, like join),
 * its call-end callback as an early end by the side that hung up.
 */
export interface VoiceProvider {
  readonly name: string;
  /** Binds (or returns the existing binding of) the session's call; valid until the session's end. */
  bind(session: Session): Promise<VoiceCallView>;
  /** Releases the binding after the session (the number goes back to the pool). */
  release(sessionId: string): Promise<void>;
}

export const VOICE_PROVIDER = Symbol('VOICE_PROVIDER');
