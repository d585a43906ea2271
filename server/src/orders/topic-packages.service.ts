import { Injectable } from '@nestjs/common';
import type { TopicPackage } from '@qingting/prisma';
import { formatFen, MAX_ACTIVE_PACKAGES, PACKAGE_MINUTES, packagePriceBounds, type ServiceType, type Topic } from '@qingting/shared';
import { DomainError } from '../common/errors/domain-error';
import { PrismaService } from '../infra/database/prisma.service';

/** A topic package as its listener and the public see it. */
export interface PackageView {
  id: string;
  listenerId: string;
  topic: string;
  serviceType: ServiceType;
  minutes: number;
  priceFen: number;
}

export const toPackageView = (p: TopicPackage): PackageView => ({ id: p.id, listenerId: p.listenerId, topic: p.topic, serviceType: p.serviceType, minutes: p.minutes, priceFen: p.priceFen });

/**
 * The topic packages a listener offers (PRODUCT.md §3), managed from the workbench: one of their
 * topics, a service they offer, whole 15-minute units (PACKAGE_MINUTES), priced per unit within
 * their tier's bounds, at most MAX_ACTIVE_PACKAGES at a time. Taking one off sale leaves the
 * minutes already bought spendable.
 */
@Injectable()
export class TopicPackagesService {
  constructor(private readonly prisma: PrismaService) {}

  async listActive(listenerId: string): Promise<PackageView[]> {
    const rows = await this.prisma.client.topicPackage.findMany({ where: { listenerId, active: true }, orderBy: [{ priceFen: 'asc' }, { id: 'asc' }] });
    return rows.map(toPackageView);
  }

  async create(listenerId: string, body: { topic: Topic; serviceType: ServiceType; minutes: number; priceFen: number }): Promise<PackageView> {
    const profile = await this.prisma.client.listenerProfile.findUnique({ where: { userId: listenerId } });
    if (!profile) throw new DomainError('listener/not_found');
    if (profile.status === 'SUSPENDED') throw new DomainError('listener/suspended');
    if (!profile.topics.includes(body.topic)) throw new DomainError('order/package_topic_not_mine');
    if ((body.serviceType === 'TEXT' ? profile.priceTextFen : profile.priceVoiceFen) === null) throw new DomainError('order/service_not_offered');
    if (body.minutes % PACKAGE_MINUTES.step !== 0) {
      const problem = `时长须为 ${PACKAGE_MINUTES.step} 分钟的整数倍`;
      throw new DomainError('request/invalid', `请求参数有误：${problem}`, [{ field: 'minutes', problem }]);
    }
    const bounds = packagePriceBounds(profile.tier, body.minutes);
    if (body.priceFen < bounds.min || body.priceFen > bounds.max) {
      throw new DomainError('order/package_price_out_of_bounds', `${body.minutes} 分钟的套餐价格需在 ${formatFen(bounds.min)} 到 ${formatFen(bounds.max)} 之间`, [
        { field: 'priceFen', problem: `${formatFen(bounds.min)}–${formatFen(bounds.max)}` },
      ]);
    }
    // The count and the insert under the listener's profile row lock: two creates at once cannot pass the limit together.
    return this.prisma.client.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM listener_profiles WHERE user_id = ${listenerId}::uuid FOR UPDATE`;
      if ((await tx.topicPackage.count({ where: { listenerId, active: true } })) >= MAX_ACTIVE_PACKAGES) throw new DomainError('order/package_limit');
      return toPackageView(await tx.topicPackage.create({ data: { listenerId, ...body } }));
    });
  }

  /** Off sale (idempotent); balances bought from it stay spendable until they expire. */
  async deactivate(listenerId: string, packageId: string): Promise<void> {
    const found = await this.prisma.client.topicPackage.findFirst({ where: { id: packageId, listenerId } });
    if (!found) throw new DomainError('order/package_not_found');
    await this.prisma.client.topicPackage.update({ where: { id: packageId }, data: { active: false } });
  }
}
