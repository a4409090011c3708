import { createCookie } from '@remix-run/node';
import Negotiator from 'negotiator';
import { DEFAULT_LANGUAGE, isLanguage, LANGUAGES, type Language } from './i18n';

/** Remembers the choice of someone not signed in; signed-in users keep theirs on their account. */
export const languageCookie = createCookie('waihu_lng', { path: '/', sameSite: 'lax', maxAge: 365 * 24 * 3600 });

function fromAcceptLanguage(header: string | null): Language | null {
  if (!header) return null;
  // Negotiator matches `zh`, `zh-Hans`, `zh-TW`… only literally, so map by primary tag first.
  const requested = new Negotiator({ headers: { 'accept-language': header } }).languages();
  for (const tag of requested) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return null;
}

export async function detectLanguage(request: Request, userLocale: string | null | undefined): Promise<Language> {
  if (isLanguage(userLocale)) return userLocale;
  const cookie = await languageCookie.parse(request.headers.get('cookie'));
  if (isLanguage(cookie)) return cookie;
  return fromAcceptLanguage(request.headers.get('accept-language')) ?? DEFAULT_LANGUAGE;
}

export { LANGUAGES };
