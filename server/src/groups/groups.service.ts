import { Injectable } from '@nestjs/common';
import type { Group, GroupMembership, Prisma } from '@qingting/prisma';
import type { Page } from '@qingting/shared';
import { AuditService } from '../audit/audit.service';
import { ChatService } from '../chat/chat.service';
import { DomainError } from '../common/errors/domain-error';
import { AppConfig } from '../infra/config/app-config';
import { PrismaService } from '../infra/database/prisma.service';
import { olderThan, pageOf } from '../orders/order-view';
import type { CreateGroupBody, ListGroupsQuery, OpsGroupsQuery, ReviewBody } from './dto';
import { GroupView, person, toMembershipView } from './group-view';
import { moveGroup } from './group-transitions';

/** Membership states that give a seat and a place in "my groups". */
const HOLDING: GroupMembership['status'][] = ['RESERVED', 'ACTIVE'];

/**
 * Paid groups themselves (PRODUCT.md §7): creation by SENIOR listeners, operator review (which
 * opens the group chat with the owner), closing, discovery and the views. Memberships are in
 * MembershipsService.
 */
@Injectable()
export class GroupsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
    private readonly chat: ChatService,
    private readonly audit: AuditService,
  ) {}

  async create(userId: string, body: CreateGroupBody): Promise<GroupView> {
    const [profile] = await this.prisma.sql.query<{ tier: string; status: string }>('SELECT tier::text AS tier, status::text AS status FROM listener_profiles WHERE user_id = $1', [userId]);
    if (profile?.tier !== 'SENIOR' || profile.status !== 'ACTIVE') throw new DomainError('group/not_senior');
    if (body.price30Fen === undefined && body.price90Fen === undefined && body.price365Fen === undefined) throw new DomainError('group/no_price');
    const max = this.config.GROUP_MAX_CAPACITY;
    if (!Number.isInteger(body.capacity) || body.capacity < 2 || body.capacity > max) {
      throw new DomainError('group/capacity_out_of_range', `群组人数须为 2–${max}`, [{ field: 'capacity', problem: `须为 2–${max}` }]);
    }
    const group = await this.prisma.client.$transaction(async (tx) => {
      const created = await tx.group.create({
        data: {
          ownerId: userId,
          name: body.name.trim(),
          intro: body.intro.trim(),
          topic: body.topic,
          price30Fen: body.price30Fen ?? null,
          price90Fen: body.price90Fen ?? null,
          price365Fen: body.price365Fen ?? null,
          capacity: body.capacity,
        },
      });
      await this.audit.record({ actorId: userId, action: 'group.create', subjectType: 'group', subjectId: created.id, detail: { name: created.name, capacity: created.capacity } }, tx);
      return created;
    });
    return this.view(group, userId);
  }

  /** OPEN groups, newest first (optionally one topic). */
  async listOpen(viewerId: string, query: ListGroupsQuery): Promise<Page<GroupView>> {
    return this.page({ status: 'OPEN', ...(query.topic ? { topic: query.topic } : {}) }, query, viewerId);
  }

  /** A listener's OPEN groups (their profile page). */
  async ofListener(viewerId: string, listenerId: string): Promise<GroupView[]> {
    const groups = await this.prisma.client.group.findMany({ where: { ownerId: listenerId, status: 'OPEN' }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: 50 });
    return this.views(groups, viewerId);
  }

  /** The groups I own (any status) and those I hold a seat in (reserved or active). */
  async mine(userId: string): Promise<{ owned: GroupView[]; joined: GroupView[] }> {
    const [owned, joined] = await Promise.all([
      this.prisma.client.group.findMany({ where: { ownerId: userId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
      this.prisma.client.group.findMany({ where: { memberships: { some: { userId, status: { in: HOLDING } } } }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
    ]);
    return { owned: await this.views(owned, userId), joined: await this.views(joined, userId) };
  }

  /** Open and closed groups are public; pending and rejected ones only their owner (and people with a membership) see. */
  async get(viewerId: string, groupId: string): Promise<GroupView> {
    const group = await this.prisma.client.group.findUnique({ where: { id: groupId } });
    if (!group) throw new DomainError('group/not_found');
    if (group.status !== 'OPEN' && group.status !== 'CLOSED' && group.ownerId !== viewerId) {
      const mine = await this.prisma.client.groupMembership.findUnique({ where: { groupId_userId: { groupId, userId: viewerId } } });
      if (!mine) throw new DomainError('group/not_found');
    }
    return this.view(group, viewerId);
  }

  /** The group (404 when missing). */
  async find(groupId: string, tx?: Prisma.TransactionClient): Promise<Group> {
    const group = await (tx ?? this.prisma.client).group.findUnique({ where: { id: groupId } });
    if (!group) throw new DomainError('group/not_found');
    return group;
  }

  /** The group when `userId` owns it: 404 when missing, 403 otherwise. */
  async owned(groupId: string, userId: string): Promise<Group> {
    const group = await this.find(groupId);
    if (group.ownerId !== userId) throw new DomainError('group/not_owner');
    return group;
  }

  /** Pinned: stored on the group and posted as a system line in the group chat. */
  async announce(userId: string, groupId: string, text: string): Promise<GroupView> {
    const group = await this.owned(groupId, userId);
    const conversation = await this.chat.conversationFor(groupId);
    if (!conversation) throw new DomainError('group/not_open');
    const clean = text.trim();
    await this.prisma.client.$transaction(async (tx) => {
      await tx.group.update({ where: { id: groupId }, data: { announcement: clean || null } });
      if (clean) await this.chat.postSystem(conversation.id, `【群公告】${clean}`, tx);
      await this.audit.record({ actorId: userId, action: 'group.announce', subjectType: 'group', subjectId: groupId, detail: { length: clean.length } }, tx);
    });
    return this.view({ ...group, announcement: clean || null }, userId);
  }

  // --- ops ---

  async opsList(query: OpsGroupsQuery): Promise<Page<GroupView>> {
    return this.page(query.status ? { status: query.status } : {}, query, null);
  }

  async opsDetail(groupId: string): Promise<GroupView & { members: Record<GroupMembership['status'], number> }> {
    const group = await this.find(groupId);
    const counts = await this.prisma.client.groupMembership.groupBy({ by: ['status'], where: { groupId }, _count: true });
    const members = Object.fromEntries(counts.map((c) => [c.status, c._count])) as Record<GroupMembership['status'], number>;
    return { ...(await this.view(group, null)), members };
  }

  /** APPROVE: PENDING_REVIEW → OPEN and the group chat opens with its owner; REJECT: → REJECTED. */
  async review(operatorId: string, groupId: string, body: ReviewBody): Promise<GroupView> {
    const group = await this.find(groupId);
    const to = body.decision === 'APPROVE' ? 'OPEN' : 'REJECTED';
    await this.prisma.client.$transaction(async (tx) => {
      await moveGroup(tx, groupId, 'PENDING_REVIEW', to, { reviewNote: body.note ?? null, reviewedById: operatorId });
      if (to === 'OPEN') await this.chat.open('GROUP', groupId, [{ userId: group.ownerId, role: 'OWNER' }], tx);
      await this.audit.record({ actorId: operatorId, action: `group.review.${body.decision.toLowerCase()}`, subjectType: 'group', subjectId: groupId, detail: { note: body.note ?? null } }, tx);
    });
    return this.view(await this.find(groupId), null);
  }

  /** OPEN → CLOSED: no new members or renewals; members keep access until their end. */
  async close(operatorId: string, groupId: string): Promise<GroupView> {
    await this.find(groupId);
    await this.prisma.client.$transaction(async (tx) => {
      await moveGroup(tx, groupId, 'OPEN', 'CLOSED');
      await this.audit.record({ actorId: operatorId, action: 'group.close', subjectType: 'group', subjectId: groupId }, tx);
    });
    return this.view(await this.find(groupId), null);
  }

  // --- views ---

  private async page(where: Prisma.GroupWhereInput, query: { cursor?: string; limit: number }, viewerId: string | null): Promise<Page<GroupView>> {
    const rows = await this.prisma.client.group.findMany({ where: { ...where, ...olderThan(query.cursor) }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: query.limit + 1 });
    const views = new Map((await this.views(rows.slice(0, query.limit), viewerId)).map((v) => [v.id, v]));
    return pageOf(rows, query.limit, (g) => views.get(g.id)!);
  }

  async view(group: Group, viewerId: string | null): Promise<GroupView> {
    return (await this.views([group], viewerId))[0];
  }

  /** Views of groups for a viewer (null: ops): owner alias and avatar, the viewer's membership, the chat id when they may use it. */
  async views(groups: Group[], viewerId: string | null): Promise<GroupView[]> {
    if (!groups.length) return [];
    const ids = groups.map((g) => g.id);
    const [owners, memberships, conversations] = await Promise.all([
      this.prisma.client.user.findMany({ where: { id: { in: [...new Set(groups.map((g) => g.ownerId))] } }, select: { id: true, alias: true, avatarSeed: true } }),
      viewerId ? this.prisma.client.groupMembership.findMany({ where: { groupId: { in: ids }, userId: viewerId } }) : Promise.resolve([]),
      this.prisma.client.conversation.findMany({ where: { subjectId: { in: ids } }, select: { id: true, subjectId: true } }),
    ]);
    const ownerOf = new Map(owners.map((u) => [u.id, u]));
    const membershipOf = new Map(memberships.map((m) => [m.groupId, m]));
    const conversationOf = new Map(conversations.map((c) => [c.subjectId, c.id]));
    return groups.map((g) => {
      const mine = membershipOf.get(g.id) ?? null;
      const isOwner = g.ownerId === viewerId;
      const mayChat = viewerId === null || isOwner || mine?.status === 'ACTIVE';
      return {
        id: g.id,
        owner: person(ownerOf.get(g.ownerId)!),
        name: g.name,
        intro: g.intro,
        topic: g.topic,
        price30Fen: g.price30Fen,
        price90Fen: g.price90Fen,
        price365Fen: g.price365Fen,
        capacity: g.capacity,
        seatsTaken: g.seatsTaken,
        status: g.status,
        announcement: g.announcement,
        reviewNote: isOwner || viewerId === null ? g.reviewNote : null,
        conversationId: mayChat ? (conversationOf.get(g.id) ?? null) : null,
        createdAt: g.createdAt.toISOString(),
        myMembership: mine ? toMembershipView(mine, this.config.GROUP_REFUND_WINDOW_HOURS) : null,
      };
    });
  }
}
