import { defineScope, type RuleScope, type ScopeField } from '../../rules/types';

// What assignment formulas may read. Client-safe: the formula editors use the same scopes.

const AGENT_FIELDS: ScopeField[] = [
  { name: 'scheduledHours', type: 'number', label: { en: 'Scheduled hours in the task period', 'zh-CN': '任务期内排班小时' } },
  { name: 'workload', type: 'number', label: { en: 'Open assigned contacts', 'zh-CN': '在手名单数' } },
  { name: 'callbacksDue', type: 'number', label: { en: 'Callbacks due', 'zh-CN': '到期回呼数' } },
  { name: 'connectsPerHour', type: 'number', label: { en: 'Connects per hour', 'zh-CN': '每小时接通' } },
  { name: 'successesPerHour', type: 'number', label: { en: 'Successes per hour', 'zh-CN': '每小时成功' } },
  { name: 'proficiency', type: 'number', label: { en: 'Skill proficiency (1–5)', 'zh-CN': '技能熟练度 (1–5)' } },
];

/** The weight formula of even distribution: one value per agent. */
export const AGENT_WEIGHT_SCOPE = defineScope('assignmentAgent', AGENT_FIELDS);

/** The score formula: the contact's fields and the agent's facts, one value per pair. */
export function scoreScope(contact: RuleScope): RuleScope {
  const taken = new Set(AGENT_FIELDS.map((f) => f.name));
  return defineScope('assignmentScore', [...contact.fields.filter((f) => !taken.has(f.name)), ...AGENT_FIELDS]);
}

export interface AgentFacts {
  agentId: string;
  login: string;
  displayName: string;
  scheduledHours: number;
  workload: number;
  callbacksDue: number;
  connectsPerHour: number;
  successesPerHour: number;
  proficiency: number;
}

export function agentRow(a: AgentFacts) {
  return {
    scheduledHours: a.scheduledHours,
    workload: a.workload,
    callbacksDue: a.callbacksDue,
    connectsPerHour: a.connectsPerHour,
    successesPerHour: a.successesPerHour,
    proficiency: a.proficiency,
  };
}
