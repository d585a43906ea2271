import { Controller, Get, Param, Query } from '@nestjs/common';
import type { ListenerCard, ListenerProfileView, Page, ReviewItem } from '@qingting/shared';
import { AuthUser, CurrentUser, Public } from '../identity/auth.decorators';
import { ListListenersQuery, ListenerIdParam, ReviewsQuery } from './dto/list-listeners.query';
import { ListenersService } from './listeners.service';

/** Discovery and public profiles: no login needed; a token, when sent, personalises (`canRebook`). */
@Public()
@Controller('api/listeners')
export class ListenersController {
  constructor(private readonly listeners: ListenersService) {}

  @Get()
  list(@Query() query: ListListenersQuery): Promise<Page<ListenerCard>> {
    return this.listeners.list(query);
  }

  @Get(':id')
  get(@Param() params: ListenerIdParam, @CurrentUser() user: AuthUser | undefined): Promise<ListenerProfileView> {
    return this.listeners.get(params.id, user?.id);
  }

  @Get(':id/reviews')
  reviews(@Param() params: ListenerIdParam, @Query() query: ReviewsQuery): Promise<Page<ReviewItem>> {
    return this.listeners.reviews(params.id, query);
  }
}
