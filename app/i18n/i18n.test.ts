import { describe, expect, it } from 'vitest';
import { detectLanguage } from './detect.server';
import { resources } from './i18n';

const en = resources.en.translation;
const zhCN = resources['zh-CN'].translation;

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe('translations', () => {
  it('Chinese and English have the same keys, none empty', () => {
    expect(keys(zhCN).sort()).toEqual(keys(en).sort());
    const leaves = (d: unknown): unknown[] => (typeof d === 'object' && d ? Object.values(d).flatMap(leaves) : [d]);
    for (const value of [...leaves(en), ...leaves(zhCN)]) expect(typeof value === 'string' && value.trim().length > 0).toBe(true);
  });

  it('picks the account language, then the cookie, then the browser, then Chinese', async () => {
    const req = (headers: Record<string, string>) => new Request('http://localhost/', { headers });
    expect(await detectLanguage(req({ 'accept-language': 'en-US,en;q=0.9' }), 'zh-CN')).toBe('zh-CN');
    expect(await detectLanguage(req({ 'accept-language': 'zh-CN', cookie: 'waihu_lng=ImVuIg%3D%3D' }), null)).toBe('en');
    expect(await detectLanguage(req({ 'accept-language': 'en-GB,en;q=0.9' }), null)).toBe('en');
    expect(await detectLanguage(req({ 'accept-language': 'zh-TW,zh;q=0.9,en;q=0.5' }), null)).toBe('zh-CN');
    expect(await detectLanguage(req({ 'accept-language': 'fr-FR' }), null)).toBe('zh-CN');
    expect(await detectLanguage(req({}), undefined)).toBe('zh-CN');
  });
});
