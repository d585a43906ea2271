import { Controller, Get, Param } from '@nestjs/common';
import { Public } from '../identity/auth.decorators';
import { PrismaService } from '../infra/database/prisma.service';
import { orderIdParam } from './dto';

export interface PackageView {
  id: string;
  listenerId: string;
  topic: string;
  serviceType: 'TEXT' | 'VOICE';
  minutes: number;
  priceFen: number;
}

export interface GiftView {
  code: string;
  name: string;
  priceFen: number;
}

/** What can be bought besides units: a listener's topic packages and the gift catalogue (public). */
@Public()
@Controller('api')
export class CatalogueController {
  constructor(private readonly prisma: PrismaService) {}

  @Get('listeners/:id/packages')
  async packages(@Param('id', orderIdParam()) listenerId: string): Promise<PackageView[]> {
    const rows = await this.prisma.client.topicPackage.findMany({ where: { listenerId, active: true }, orderBy: [{ priceFen: 'asc' }, { id: 'asc' }] });
    return rows.map((p) => ({ id: p.id, listenerId: p.listenerId, topic: p.topic, serviceType: p.serviceType, minutes: p.minutes, priceFen: p.priceFen }));
  }

  @Get('gifts')
  async gifts(): Promise<GiftView[]> {
    const rows = await this.prisma.client.gift.findMany({ where: { active: true }, orderBy: [{ sort: 'asc' }, { code: 'asc' }] });
    return rows.map((g) => ({ code: g.code, name: g.name, priceFen: g.priceFen }));
  }
}
