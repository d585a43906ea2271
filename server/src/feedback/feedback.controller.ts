import { Body, Controller, Param, Post } from '@nestjs/common';
import { AuthUser, CurrentUser } from '../identity/auth.decorators';
import { orderIdParam as uuidParam } from '../orders/dto';
import { DisputesService } from './disputes.service';
import { DisputeBody, ReportBody, ReviewBody } from './dto';
import { ReportsService } from './reports.service';
import { ReviewsService } from './reviews.service';

/** After the session (PRODUCT.md §4): the talker rates and disputes; either party reports. */
@Controller('api/sessions')
export class FeedbackController {
  constructor(
    private readonly reviews: ReviewsService,
    private readonly reports: ReportsService,
    private readonly disputes: DisputesService,
  ) {}

  @Post(':id/review')
  review(@CurrentUser() user: AuthUser, @Param('id', uuidParam()) id: string, @Body() body: ReviewBody) {
    return this.reviews.review(user, id, body);
  }

  @Post(':id/report')
  report(@CurrentUser() user: AuthUser, @Param('id', uuidParam()) id: string, @Body() body: ReportBody) {
    return this.reports.report(user, id, body);
  }

  @Post(':id/dispute')
  dispute(@CurrentUser() user: AuthUser, @Param('id', uuidParam()) id: string, @Body() body: DisputeBody) {
    return this.disputes.open(user, id, body.reason);
  }
}
