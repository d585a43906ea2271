import { createHash } from 'node:crypto';
import type { Session } from '@qingting/prisma';
import type { VoiceCallView } from '@qingting/shared';
import type { VoiceProvider } from './voice-provider';

/**
 * VOICE_PROVIDER=simulated (development and tests): a privacy-number provider in memory. Each
 * session gets a stable fake virtual number (170 is a virtual-operator prefix); the provider's
 * callbacks are emulated by the dev endpoints (`DevVoiceController`).
 */
export class SimulatedVoiceProvider implements VoiceProvider {
  readonly name = 'simulated';
  private readonly bindings = new Map<string, VoiceCallView>();

  async bind(session: Session): Promise<VoiceCallView> {
    const expiresAt = (session.endsAt ?? session.startBy).toISOString();
    const digits = BigInt(`0x${createHash('sha256').update(session.id).digest('hex').slice(0, 12)}`) % 100_000_000n;
    const view: VoiceCallView = { sessionId: session.id, dial: `170${digits.toString().padStart(8, '0')}`, roomToken: null, expiresAt };
    this.bindings.set(session.id, view);
    return view;
  }

  async release(sessionId: string): Promise<void> {
    this.bindings.delete(sessionId);
  }

  /** Test and development inspection: the live binding of a session. */
  binding(sessionId: string): VoiceCallView | undefined {
    return this.bindings.get(sessionId);
  }
}
