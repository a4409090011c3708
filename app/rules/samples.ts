import { defineScope, type ScopeRow } from './types';

// Example scopes for the playground, tests and the benchmark. Real modules declare their own
// next to their code (see docs/rules.md).

export const CONTACT_SCOPE = defineScope('contact', [
  { name: 'name', type: 'text', label: { en: 'Name', 'zh-CN': '姓名' } },
  { name: 'age', type: 'number', label: { en: 'Age', 'zh-CN': '年龄' } },
  { name: 'city', type: 'text', label: { en: 'City', 'zh-CN': '城市' } },
  { name: 'gender', type: 'choice', label: { en: 'Gender', 'zh-CN': '性别' }, options: ['male', 'female'] },
  { name: 'birthDate', type: 'date', label: { en: 'Birth date', 'zh-CN': '出生日期' } },
  { name: 'policyAmount', type: 'number', label: { en: 'Policy amount', 'zh-CN': '保单金额' } },
  { name: 'tags', type: 'tags', label: { en: 'Tags', 'zh-CN': '标签' }, options: ['VIP', 'renewal', 'complaint', 'new'] },
  { name: 'optedIn', type: 'boolean', label: { en: 'Opted in', 'zh-CN': '同意营销' } },
]);

export const CONTACT_SAMPLES: ScopeRow[] = [
  {
    name: '张伟',
    age: 65,
    city: '上海',
    gender: 'male',
    birthDate: '1960-03-02',
    policyAmount: 500000,
    tags: ['VIP', 'renewal'],
    optedIn: true,
  },
  {
    name: '李娜',
    age: 34,
    city: '北京',
    gender: 'female',
    birthDate: '1991-07-19',
    policyAmount: 120000,
    tags: ['new'],
    optedIn: true,
  },
  {
    name: '王芳',
    age: 58,
    city: '上海',
    gender: 'female',
    birthDate: '1967-11-30',
    policyAmount: 80000,
    tags: [],
    optedIn: false,
  },
  {
    name: 'Chen Jie',
    age: 42,
    city: '广州',
    gender: 'male',
    birthDate: '1983-01-05',
    policyAmount: 260000,
    tags: ['VIP'],
    optedIn: true,
  },
  { name: '赵敏', age: null, city: null, gender: null, birthDate: null, policyAmount: null, tags: null, optedIn: null },
];

export const AGENT_SCOPE = defineScope('agentPeriod', [
  { name: 'calls', type: 'number', label: { en: 'Calls', 'zh-CN': '呼叫数' } },
  { name: 'connects', type: 'number', label: { en: 'Connects', 'zh-CN': '接通数' } },
  { name: 'success', type: 'number', label: { en: 'Successes', 'zh-CN': '成功数' } },
  { name: 'talkMinutes', type: 'number', label: { en: 'Talk minutes', 'zh-CN': '通话分钟' } },
  { name: 'salesAmount', type: 'number', label: { en: 'Sales amount', 'zh-CN': '销售额' } },
  { name: 'team', type: 'text', label: { en: 'Team', 'zh-CN': '班组' } },
]);

export const AGENT_SAMPLES: ScopeRow[] = [
  { calls: 220, connects: 96, success: 12, talkMinutes: 310.5, salesAmount: 36000, team: 'A' },
  { calls: 180, connects: 70, success: 5, talkMinutes: 205, salesAmount: 12000, team: 'B' },
  { calls: 0, connects: 0, success: 0, talkMinutes: 0, salesAmount: 0, team: 'A' },
];

export const SAMPLE_FORMULA = 'success * 10 + talkMinutes * 0.5';
