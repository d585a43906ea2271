import { Injectable } from '@nestjs/common';
import type { ListenerCard, Page } from '@qingting/shared';
import { DomainError } from '../common/errors/domain-error';
import { PrismaService } from '../infra/database/prisma.service';
import type { ListListenersQuery } from './dto/list-listeners.query';
import { toListenerCard } from './listener-card';

const PUBLIC_USER_FIELDS = { id: true, alias: true, avatarSeed: true } as const;

@Injectable()
export class ListenersService {
  constructor(private readonly prisma: PrismaService) {}

  /** Active listeners in recommended order, cursor-paginated on (recommendScore, userId). */
  async list(query: ListListenersQuery): Promise<Page<ListenerCard>> {
    const rows = await this.prisma.client.listenerProfile.findMany({
      where: { status: 'ACTIVE', ...(query.topic ? { topics: { has: query.topic } } : {}) },
      orderBy: [{ recommendScore: 'desc' }, { userId: 'desc' }],
      take: query.limit + 1,
      ...(query.cursor ? { cursor: { userId: query.cursor }, skip: 1 } : {}),
      include: { user: { select: PUBLIC_USER_FIELDS } },
    });
    const page = rows.slice(0, query.limit);
    return {
      items: page.map(toListenerCard),
      nextCursor: rows.length > query.limit ? page[page.length - 1].userId : null,
    };
  }

  async get(id: string): Promise<ListenerCard> {
    const profile = await this.prisma.client.listenerProfile.findFirst({
      where: { userId: id, status: 'ACTIVE' },
      include: { user: { select: PUBLIC_USER_FIELDS } },
    });
    if (!profile) throw new DomainError('listener/not_found');
    return toListenerCard(profile);
  }
}
