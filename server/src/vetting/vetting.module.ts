import { Module } from '@nestjs/common';
import { AppConfig } from '../infra/config/app-config';
import { ApplicationService } from './application.service';
import { IDENTITY_VERIFIER, identityVerifierFor } from './identity-verifier';
import { OpsListenersController, OpsVettingController } from './ops-vetting.controller';
import { ReviewService } from './review.service';
import { TierService } from './tier.service';
import { TrainingService } from './training.service';
import { VettingController } from './vetting.controller';

/** Becoming a listener: application, identity check, training and quiz, review; tiers and suspension. */
@Module({
  controllers: [VettingController, OpsVettingController, OpsListenersController],
  providers: [
    { provide: IDENTITY_VERIFIER, useFactory: identityVerifierFor, inject: [AppConfig] },
    ApplicationService,
    TrainingService,
    ReviewService,
    TierService,
  ],
  exports: [TierService],
})
export class VettingModule {}
