import { defineScope } from '../../rules/types';

// Per-agent figures over a period, and what a performance formula may read. Client-safe.

/** One agent's figures over a period (the shape reports' rollups return as well). */
export interface AgentAggregate {
  agentId: string;
  /** Attempts the agent placed or took (queued in the period). */
  calls: number;
  /** Of those, connected to the agent. */
  connects: number;
  /** Wrap-ups submitted in the period with the outcome class `success`. */
  successes: number;
  talkSec: number;
  /** From the call's end to the wrap-up's submission. */
  wrapSec: number;
  /** Not derivable from raw rows (presence keeps only the current state): null until reports' rollups supply it. */
  pauseSec: number | null;
  /** Sum of confirmed orders' amounts. */
  salesAmount: number;
  /** Confirmed orders. */
  orders: number;
  leads: number;
  /** Average quality score of reviewed calls, when a quality review exists; null otherwise. */
  qualityScore: number | null;
}

export const EMPTY_FIGURES: Omit<AgentAggregate, 'agentId'> = {
  calls: 0,
  connects: 0,
  successes: 0,
  talkSec: 0,
  wrapSec: 0,
  pauseSec: null,
  salesAmount: 0,
  orders: 0,
  leads: 0,
  qualityScore: null,
};

/** The variables of a performance formula. */
export const AGGREGATE_SCOPE = defineScope('performanceAgent', [
  { name: 'calls', type: 'number', label: { en: 'Calls', 'zh-CN': '呼叫数' } },
  { name: 'connects', type: 'number', label: { en: 'Connects', 'zh-CN': '接通数' } },
  { name: 'successes', type: 'number', label: { en: 'Successes', 'zh-CN': '成功数' } },
  { name: 'talkSeconds', type: 'number', label: { en: 'Talk seconds', 'zh-CN': '通话秒数' } },
  { name: 'wrapSeconds', type: 'number', label: { en: 'Wrap-up seconds', 'zh-CN': '话后秒数' } },
  { name: 'pauseSeconds', type: 'number', label: { en: 'Pause seconds (if known)', 'zh-CN': '小休秒数（如有）' } },
  { name: 'salesAmount', type: 'number', label: { en: 'Sales amount', 'zh-CN': '销售额' } },
  { name: 'orders', type: 'number', label: { en: 'Orders', 'zh-CN': '订单数' } },
  { name: 'leads', type: 'number', label: { en: 'Leads', 'zh-CN': '线索数' } },
  { name: 'qualityScore', type: 'number', label: { en: 'Quality score (if present)', 'zh-CN': '质检分（如有）' } },
]);

/** An agent's figures as a formula row (the scope's names). */
export function formulaRow(a: Omit<AgentAggregate, 'agentId'>): Record<string, number | null> {
  return {
    calls: a.calls,
    connects: a.connects,
    successes: a.successes,
    talkSeconds: a.talkSec,
    wrapSeconds: a.wrapSec,
    pauseSeconds: a.pauseSec,
    salesAmount: a.salesAmount,
    orders: a.orders,
    leads: a.leads,
    qualityScore: a.qualityScore,
  };
}

/** Sample agents for the scheme editor's test panel. */
export const SAMPLE_FIGURES: Omit<AgentAggregate, 'agentId'>[] = [
  {
    calls: 120,
    connects: 60,
    successes: 18,
    talkSec: 9000,
    wrapSec: 1800,
    pauseSec: null,
    salesAmount: 8000,
    orders: 4,
    leads: 3,
    qualityScore: 92,
  },
  {
    calls: 90,
    connects: 40,
    successes: 9,
    talkSec: 6000,
    wrapSec: 1500,
    pauseSec: null,
    salesAmount: 36000,
    orders: 7,
    leads: 1,
    qualityScore: null,
  },
  {
    calls: 150,
    connects: 80,
    successes: 25,
    talkSec: 14000,
    wrapSec: 2600,
    pauseSec: null,
    salesAmount: 72000,
    orders: 12,
    leads: 5,
    qualityScore: 85,
  },
];
