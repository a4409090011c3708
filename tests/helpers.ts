import type { Role } from '../app/modules/auth/permissions';
import { createUser } from '../app/modules/users/users.server';

export const TEST_PASSWORD = 'correct-horse-42';

/** A user of the given role in this test file's database. */
export async function insertUser(role: Role, login = `${role}-${Math.random().toString(36).slice(2, 7)}`) {
  const { user } = await createUser(
    { name: 'test' },
    { login, displayName: login, role, locale: null, timeZone: 'Asia/Shanghai' },
    TEST_PASSWORD,
  );
  return user;
}

/** A request as the web server hands it to Remix, from a given address. */
export function request(path: string, init: RequestInit & { ip?: string; cookie?: string } = {}): Request {
  const headers = new Headers(init.headers);
  headers.set('x-waihu-remote-address', init.ip ?? '10.0.0.1');
  if (init.cookie) headers.set('cookie', init.cookie);
  return new Request(`http://localhost${path}`, { ...init, headers });
}
