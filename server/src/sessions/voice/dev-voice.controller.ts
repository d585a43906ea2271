import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import type { SessionView } from '@qingting/shared';
import { DomainError } from '../../common/errors/domain-error';
import { Public } from '../../identity/auth.decorators';
import { AppConfig } from '../../infra/config/app-config';
import { PrismaService } from '../../infra/database/prisma.service';
import { orderIdParam } from '../../orders/dto';
import { HangupBody } from '../dto';
import { SessionLifecycleService } from '../session-lifecycle.service';
import { SimulatedVoiceProvider } from './simulated-voice.provider';
import { VOICE_PROVIDER, VoiceProvider } from './voice-provider';

/**
 * The simulated provider's callbacks (development and tests only: 404 with a real provider or
 * in production). A real provider posts signed call events; these stand in for them:
 * `connected` = the call is up, both parties present (starts the clock like join);
 * `hangup` = the call ended by one side (an early end by that party).
 */
@Public()
@Controller('api/dev/voice')
export class DevVoiceController {
  constructor(
    private readonly lifecycle: SessionLifecycleService,
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
    @Inject(VOICE_PROVIDER) private readonly voice: VoiceProvider,
  ) {}

  @Post(':sessionId/connected')
  @HttpCode(200)
  async connected(@Param('sessionId', orderIdParam()) sessionId: string): Promise<SessionView> {
    const session = await this.session(sessionId);
    return this.lifecycle.arrive(sessionId, ['talker', 'listener'], null, session.talkerId);
  }

  @Post(':sessionId/hangup')
  @HttpCode(200)
  async hangup(@Param('sessionId', orderIdParam()) sessionId: string, @Body() body: HangupBody): Promise<SessionView> {
    const session = await this.session(sessionId);
    return this.lifecycle.endBy(sessionId, body.by, body.by === 'talker' ? session.talkerId : session.listenerId);
  }

  private async session(sessionId: string) {
    if (!(this.voice instanceof SimulatedVoiceProvider) || this.config.NODE_ENV === 'production') throw new DomainError('route/not_found');
    const session = await this.prisma.client.session.findUnique({ where: { id: sessionId } });
    if (!session || session.serviceType !== 'VOICE') throw new DomainError('session/not_found');
    return session;
  }
}
