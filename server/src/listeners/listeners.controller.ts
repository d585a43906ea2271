import { Controller, Get, Param, Query } from '@nestjs/common';
import { Public } from '../identity/auth.decorators';
import type { ListenerCard, Page } from '@qingting/shared';
import { ListListenersQuery, ListenerIdParam } from './dto/list-listeners.query';
import { ListenersService } from './listeners.service';

@Public()
@Controller('api/listeners')
export class ListenersController {
  constructor(private readonly listeners: ListenersService) {}

  @Get()
  list(@Query() query: ListListenersQuery): Promise<Page<ListenerCard>> {
    return this.listeners.list(query);
  }

  @Get(':id')
  get(@Param() params: ListenerIdParam): Promise<ListenerCard> {
    return this.listeners.get(params.id);
  }
}
