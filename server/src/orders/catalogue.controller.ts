import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { AuthUser, CurrentUser, Public, Roles } from '../identity/auth.decorators';
import { PrismaService } from '../infra/database/prisma.service';
import { CreatePackageBody, orderIdParam } from './dto';
import { PackageView, TopicPackagesService } from './topic-packages.service';

export interface GiftView {
  code: string;
  name: string;
  priceFen: number;
}

/** What can be bought besides units: a listener's topic packages and the gift catalogue (public). */
@Public()
@Controller('api')
export class CatalogueController {
  constructor(
    private readonly prisma: PrismaService,
    private readonly packages: TopicPackagesService,
  ) {}

  @Get('listeners/:id/packages')
  packagesOf(@Param('id', orderIdParam()) listenerId: string): Promise<PackageView[]> {
    return this.packages.listActive(listenerId);
  }

  @Get('gifts')
  async gifts(): Promise<GiftView[]> {
    const rows = await this.prisma.client.gift.findMany({ where: { active: true }, orderBy: [{ sort: 'asc' }, { code: 'asc' }] });
    return rows.map((g) => ({ code: g.code, name: g.name, priceFen: g.priceFen }));
  }
}

/** The listener's own topic packages, from the workbench. */
@Roles('LISTENER')
@Controller('api/workbench/packages')
export class WorkbenchPackagesController {
  constructor(private readonly packages: TopicPackagesService) {}

  @Get()
  list(@CurrentUser() user: AuthUser): Promise<PackageView[]> {
    return this.packages.listActive(user.id);
  }

  @Post()
  create(@CurrentUser() user: AuthUser, @Body() body: CreatePackageBody): Promise<PackageView> {
    return this.packages.create(user.id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  deactivate(@CurrentUser() user: AuthUser, @Param('id', orderIdParam()) id: string): Promise<void> {
    return this.packages.deactivate(user.id, id);
  }
}
