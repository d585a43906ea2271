import type { PrismaClient } from '@qingting/prisma';
import { avatarPath } from '@qingting/shared';

/** How operators (and parties) see a person: never an openid, only the alias and avatar. */
export interface PersonView {
  id: string;
  alias: string;
  avatarUrl: string;
}

/** Alias and avatar of each id; a missing user (erased) shows as "已注销用户", like the orders views. */
export async function peopleOf(prisma: Pick<PrismaClient, 'user'>, ids: Iterable<string>): Promise<(id: string) => PersonView> {
  const unique = [...new Set(ids)];
  const rows = unique.length ? await prisma.user.findMany({ where: { id: { in: unique } }, select: { id: true, alias: true, avatarSeed: true } }) : [];
  const byId = new Map(rows.map((u) => [u.id, u]));
  return (id) => {
    const u = byId.get(id);
    const alias = u?.alias ?? '已注销用户';
    return { id, alias, avatarUrl: avatarPath(u?.avatarSeed ?? 'deleted', alias) };
  };
}
