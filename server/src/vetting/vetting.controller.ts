import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { AuthUser, CurrentUser } from '../identity/auth.decorators';
import { ApplicationService } from './application.service';
import { ApplicationBody, LessonParam, QuizSubmitBody } from './dto';
import { uuidParam } from './params';
import { TrainingService } from './training.service';

/** The applicant's side of vetting (any logged-in user). */
@Controller('api/vetting')
export class VettingController {
  constructor(
    private readonly applications: ApplicationService,
    private readonly training: TrainingService,
  ) {}

  @Post('applications')
  submit(@CurrentUser() user: AuthUser, @Body() body: ApplicationBody) {
    return this.applications.submit(user, body);
  }

  @Get('applications/mine')
  async mine(@CurrentUser() user: AuthUser) {
    return { application: await this.applications.mine(user) };
  }

  @Put('applications/:id')
  resubmit(@CurrentUser() user: AuthUser, @Param('id', uuidParam()) id: string, @Body() body: ApplicationBody) {
    return this.applications.resubmit(user, id, body);
  }

  @Get('training')
  overview(@CurrentUser() user: AuthUser) {
    return this.training.overview(user);
  }

  @Post('training/lessons/:id/complete')
  @HttpCode(200)
  completeLesson(@CurrentUser() user: AuthUser, @Param() params: LessonParam) {
    return this.training.completeLesson(user, params.id);
  }

  @Post('quiz/attempts')
  startAttempt(@CurrentUser() user: AuthUser) {
    return this.training.startAttempt(user);
  }

  @Post('quiz/attempts/:id/submit')
  @HttpCode(200)
  submitAttempt(@CurrentUser() user: AuthUser, @Param('id', uuidParam()) id: string, @Body() body: QuizSubmitBody) {
    return this.training.submitAttempt(user, id, body.answers);
  }
}
