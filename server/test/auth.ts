import type { Prisma, Role } from '@qingting/prisma';
import { SessionService } from '../src/identity/session.service';
import { createUser } from './factories';
import type { TestApp } from './test-app';

/**
 * A user with the given roles and a real session token (issued by the app's SessionService,
 * stored in Redis), for tests of endpoints behind the AuthGuard.
 */
export async function loginAs(t: TestApp, roles: Role[] = ['TALKER'], data: Partial<Prisma.UserCreateInput> = {}) {
  const user = await createUser(t.prisma, { roles, ...data });
  const { token } = await t.app.get(SessionService).issue(user.id);
  return { user, token, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } };
}
