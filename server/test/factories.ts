import { randomUUID } from 'node:crypto';
import type { Prisma, PrismaClient } from '@qingting/prisma';
import { makeAlias } from '@qingting/shared';

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
) {
  const user = await createUser(prisma, { roles: ['TALKER', 'LISTENER'] });
  const listener = await prisma.listenerProfile.create({
    data: {
      userId: user.id,
      gender: 'FEMALE',
      intro: '愿意倾听你的故事，陪你一起慢慢理清思路，找到让自己舒服一点的办法。',
      topics: ['EMOTION'],
      tags: ['失眠夜聊'],
      priceTextFen: 2000,
      ...profile,
    },
  });
  return { user, listener };
}
