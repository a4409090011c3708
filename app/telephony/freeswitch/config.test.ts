import { describe, expect, it } from 'vitest';
import { channelVariables, digitsRegex, jobError, originateCommand, parseGatewayState, waihuVariable } from './commands';
import { type FreeswitchConfig, parseEslUrl, validateFreeswitchConfig } from './config';

describe('ESL URL', () => {
  it('reads esl://:password@host:port, with 8021 by default and IPv6 hosts', () => {
    expect(parseEslUrl('esl://:ClueCon@127.0.0.1:8021')).toEqual({ eslHost: '127.0.0.1', eslPort: 8021, eslPassword: 'ClueCon' });
    expect(parseEslUrl('esl://:p%40ss@fs.internal')).toEqual({ eslHost: 'fs.internal', eslPort: 8021, eslPassword: 'p@ss' });
    expect(parseEslUrl('esl://:x@[fd00::2]:9000')).toMatchObject({ eslHost: 'fd00::2', eslPort: 9000 });
  });

  it('says what is wrong', () => {
    expect(() => parseEslUrl('127.0.0.1:8021')).toThrow(/scheme must be esl:\/\/|not a URL/);
    expect(() => parseEslUrl('http://:a@h')).toThrow(/scheme must be esl:\/\//);
    expect(() => parseEslUrl('esl://h:8021')).toThrow(/password is missing/);
    expect(() => parseEslUrl('esl://admin:pw@h')).toThrow(/leave the user empty/);
    expect(() => parseEslUrl('not a url')).toThrow(/not a URL/);
  });
});

describe('FreeSWITCH configuration check', () => {
  const good: FreeswitchConfig = {
    eslHost: '10.0.0.5',
    eslPort: 8021,
    eslPassword: 's3cret',
    amd: 'amd',
    tts: { engine: 'flite', voice: 'kal' },
  };
  it('accepts a complete configuration', () => {
    expect(validateFreeswitchConfig(good)).toEqual([]);
  });
  it('names each bad field', () => {
    const problems = validateFreeswitchConfig({
      ...good,
      eslHost: ' ',
      eslPort: 70000,
      eslPassword: '',
      amd: 'maybe' as FreeswitchConfig['amd'],
      recordingPath: 'relative/dir',
      tts: { engine: '', voice: 'a|b' },
    });
    expect(problems.map((p) => p.field)).toEqual([
      'eslHost',
      'eslPort',
      'eslPassword',
      'amd',
      'recordingPath',
      'tts.engine',
      'tts',
    ]);
  });
});

describe('ESL command text', () => {
  it('quotes values with spaces or commas and refuses what would break the originate', () => {
    expect(channelVariables({ a: 1, b: 'x y', c: 'p,q', d: true })).toBe("{a=1,b='x y',c='p,q',d=true}");
    expect(() => channelVariables({ a: "it's" })).toThrow(/quotes, braces/);
    expect(() => channelVariables({ 'bad name': 'x' })).toThrow(/not \[A-Za-z0-9_\]/);
  });
  it('names our variables waihu_<snake_case>', () => {
    expect(waihuVariable('attemptId')).toBe('waihu_attempt_id');
    expect(waihuVariable('task-id')).toBe('waihu_task_id');
  });
  it('uses expand only for dial strings with an expansion', () => {
    expect(originateCommand({ origination_uuid: 'u' }, 'sofia/gateway/gw1/13800138000')).toBe(
      'originate {origination_uuid=u}sofia/gateway/gw1/13800138000 &park()',
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a FreeSWITCH expansion, not a template
    expect(originateCommand({ origination_uuid: 'u' }, '${verto_contact(1003@127.0.0.1)}')).toMatch(/^expand originate /);
  });
  it('builds the digits regex and reads job results and gateway states', () => {
    expect(digitsRegex('12*#', 1, 2)).toBe('^[12\\*\\#]{1,2}$');
    expect(jobError('+OK ca11ab1e\n')).toBeNull();
    expect(jobError('-ERR USER_BUSY\n')).toBe('USER_BUSY');
    expect(parseGatewayState('Name    \tgw1\nState   \tREGED\nStatus  \tUP\n')).toBe('REGED');
    expect(parseGatewayState('Invalid Gateway!\n')).toBeNull();
  });
});
