import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { RateLimiter } from '../common/rate-limiter.service';
import { ListenersModule } from '../listeners/listeners.module';
import { AuthGuard } from './auth.guard';
import { FieldCrypto } from './field-crypto.service';
import { AvatarsController } from './avatars.controller';
import { IdentityController } from './identity.controller';
import { IdentityService } from './identity.service';
import { SensitiveDataService } from './sensitive-data.service';
import { SessionService } from './session.service';

/** Login, sessions, the caller's own profile, roles (the global AuthGuard) and sensitive-field encryption. */
@Global()
@Module({
  imports: [ListenersModule],
  controllers: [IdentityController, AvatarsController],
  providers: [IdentityService, SessionService, FieldCrypto, SensitiveDataService, RateLimiter, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [SessionService, FieldCrypto, SensitiveDataService, RateLimiter],
})
export class IdentityModule {}
