import { randomUUID } from 'node:crypto';
import type { Prisma, PrismaClient } from '@qingting/prisma';
import { listenerSearchText, makeAlias } from '@qingting/shared';

/** A talker with a unique openid; pass fields to override. */
export function createUser(prisma: PrismaClient, data: Partial<Prisma.UserCreateInput> = {}) {
  const id = randomUUID();
  return prisma.user.create({
    data: { openid: `test-${id}`, alias: makeAlias(), avatarSeed: id, ...data },
  });
}

/** An active listener (user + profile); `profile` overrides profile fields. */
export async function createListener(
  prisma: PrismaClient,
  profile: Partial<Omit<Prisma.ListenerProfileUncheckedCreateInput, 'userId'>> = {},
  alias?: string,
) {
  const user = await createUser(prisma, { roles: ['TALKER', 'LISTENER'], ...(alias ? { alias } : {}) });
  const data = {
    gender: 'FEMALE' as const,
    intro: '愿意倾听你的故事，陪你一起慢慢理清思路，找到让自己舒服一点的办法。',
    topics: ['EMOTION' as const],
    tags: ['失眠夜聊'],
    priceTextFen: 2000,
    ...profile,
  };
  const tags = Array.isArray(data.tags) ? data.tags : (data.tags?.set ?? []);
  const listener = await prisma.listenerProfile.create({
    // searchText kept in step as the listeners module does, unless the test sets it.
    data: { searchText: listenerSearchText(user.alias, data.intro, tags), ...data, userId: user.id },
  });
  return { user, listener };
}

/** A review of `listenerId` by `authorId` (a new talker when omitted); `createdAt` to order them. */
export async function createReview(
  prisma: PrismaClient,
  listenerId: string,
  data: { authorId?: string; stars?: number; tags?: string[]; text?: string | null; createdAt?: Date } = {},
) {
  const authorId = data.authorId ?? (await createUser(prisma)).id;
  return prisma.review.create({
    data: { listenerId, authorId, stars: data.stars ?? 5, tags: data.tags ?? ['耐心'], text: data.text === undefined ? '谢谢你的倾听' : data.text, createdAt: data.createdAt },
  });
}
