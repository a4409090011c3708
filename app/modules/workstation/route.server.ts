import { detectLanguage } from '../../i18n/detect.server';
import type { SessionUser } from '../auth/session.server';
import { clientIp } from '../auth/session.server';
import type { AgentActor } from './agent-dial.server';

// What every workstation route needs from the request: the agent as an audit actor, their language.

export const agentActor = (user: SessionUser, request: Request): AgentActor => ({
  id: user.id,
  name: user.login,
  ip: clientIp(request),
});

export const agentLanguage = (user: SessionUser, request: Request) => detectLanguage(request, user.locale);

/** A JSON body, or null when it is not JSON (the caller answers with a clear error). */
export async function jsonBody(request: Request): Promise<unknown> {
  return request.json().catch(() => null);
}
