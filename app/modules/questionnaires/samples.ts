import type { Condition } from '../../rules';
import { emptyFlow, type FlowEdge, type FlowGraph, type FlowNode } from './graph';
import type { QuestionContent, QuestionType } from './question';

// The demo questionnaires (seeded, and used by tests): an insurance return visit with an
// identity check and branches, and a housing sales script.

type Q = { type: QuestionType; category: string; zh: string; en: string; options?: [string, string, string][] } & Partial<
  Pick<QuestionContent, 'min' | 'max' | 'identity' | 'required'>
>;

export function question(id: string, y: number, q: Q, display?: Condition): FlowNode {
  const { type, category, zh, en, options, ...rest } = q;
  const content: QuestionContent = {
    text: { zh, en },
    required: type !== 'script',
    ...rest,
    ...(options ? { options: options.map(([code, zhL, enL]) => ({ code, label: { zh: zhL, en: enL } })) } : {}),
  };
  return { id, kind: 'question', position: { x: 0, y }, question: { type, category, content }, ...(display ? { display } : {}) };
}

export const endNode = (id: string, outcome: string, x: number, y: number): FlowNode => ({
  id,
  kind: 'end',
  position: { x, y },
  outcome,
});

export const edge = (source: string, target: string, condition: Condition | null = null, priority = 0): FlowEdge => ({
  id: `e_${source}_${target}`,
  source,
  target,
  condition,
  priority,
});

export const when = (field: string, operator: string, value?: unknown): Condition => ({
  combinator: 'and',
  rules: [{ field, operator, ...(value === undefined ? {} : { value }) }],
});

const START: FlowNode = { id: 'start', kind: 'start', position: { x: 0, y: 0 } };
const YES_NO_OPTIONS: [string, string, string][] = [
  ['yes', '是', 'Yes'],
  ['partly', '部分说明', 'Partly'],
  ['no', '否', 'No'],
];

/** 寿险新契约回访: greeting, identity check, four business questions, branches for wrong person and failed check. */
export function returnVisitFlow(): FlowGraph {
  return {
    nodes: [
      START,
      question('greet', 120, {
        type: 'script',
        category: 'greeting',
        zh: '您好，请问是{name}吗？我是保险公司的回访专员，工号 1024，本次通话将被录音。',
        en: 'Hello, am I speaking with {name}? I am calling from the insurer about your new policy; this call is recorded.',
      }),
      question('holder', 240, {
        type: 'yesNo',
        category: 'identity',
        zh: '请问您是投保人本人吗？',
        en: 'Are you the policy holder?',
      }),
      question('idcheck', 360, {
        type: 'identity',
        category: 'identity',
        zh: '为核实身份，请您说一下身份证号码的后四位。',
        en: 'To verify your identity, please tell me the last four characters of your ID card number.',
        identity: { field: 'idCard', match: 'last4' },
      }),
      question('signed', 480, {
        type: 'yesNo',
        category: 'business',
        zh: '投保单和告知书是否由您本人亲笔签名？',
        en: 'Did you sign the application yourself?',
      }),
      question('explained', 600, {
        type: 'single',
        category: 'business',
        zh: '销售人员是否向您说明了犹豫期、退保损失和保险责任？',
        en: 'Did the agent explain the cooling-off period, surrender losses and the cover?',
        options: YES_NO_OPTIONS,
      }),
      question('explain', 720, {
        type: 'script',
        category: 'business',
        zh: '跟您说明一下：您有 15 天犹豫期，犹豫期内退保只扣工本费；犹豫期后退保会有损失。',
        en: 'For your information: you have a 15-day cooling-off period; surrendering later costs money.',
      }),
      question('satisfaction', 840, {
        type: 'rating',
        category: 'closing',
        zh: '您对本次投保服务的满意度打几分？（0–10 分）',
        en: 'How satisfied are you with the service, from 0 to 10?',
        min: 0,
        max: 10,
      }),
      endNode('done', 'completed', 0, 960),
      endNode('wrongPerson', 'wrongPerson', 320, 300),
      endNode('idFailed', 'identityFailed', 320, 420),
    ],
    edges: [
      edge('start', 'greet'),
      edge('greet', 'holder'),
      edge('holder', 'wrongPerson', when('answer_holder', 'isFalse'), 1),
      edge('holder', 'idcheck'),
      edge('idcheck', 'idFailed', when('answer_idcheck', 'isFalse'), 1),
      edge('idcheck', 'signed'),
      edge('signed', 'explained'),
      edge('explained', 'explain', when('answer_explained', 'notEqualsOption', 'yes'), 1),
      edge('explained', 'satisfaction'),
      edge('explain', 'satisfaction'),
      edge('satisfaction', 'done'),
    ],
  };
}

/** 楼盘销售话术: interest, budget, a question only for contacts tagged 上海, visit booking. */
export function salesFlow(): FlowGraph {
  return {
    nodes: [
      START,
      question('opening', 120, {
        type: 'script',
        category: 'greeting',
        zh: '{name}您好，我是幸福里的置业顾问，耽误您一分钟介绍一下我们的新房源。',
        en: 'Hello {name}, I am a property adviser at Xingfuli; may I take a minute to present our new homes?',
      }),
      question('interest', 240, {
        type: 'single',
        category: 'business',
        zh: '您最近有购房的打算吗？',
        en: 'Are you planning to buy a home soon?',
        options: [
          ['soon', '近期有', 'Yes, soon'],
          ['later', '以后再说', 'Maybe later'],
          ['no', '没有', 'No'],
        ],
      }),
      question(
        'works',
        360,
        { type: 'yesNo', category: 'business', zh: '您是在上海工作吗？', en: 'Do you work in Shanghai?' },
        when('tags', 'has', '上海'),
      ),
      question('budget', 480, {
        type: 'single',
        category: 'business',
        zh: '您的购房预算大概是多少？',
        en: 'What is your budget?',
        options: [
          ['b300', '300 万以下', 'Under 3M'],
          ['b600', '300–600 万', '3M–6M'],
          ['b600p', '600 万以上', 'Over 6M'],
        ],
      }),
      question('visit', 600, {
        type: 'yesNo',
        category: 'business',
        zh: '这周末方便来售楼处看房吗？',
        en: 'Would you like to visit this weekend?',
      }),
      question('visitDate', 720, { type: 'date', category: 'business', zh: '预约哪天看房？', en: 'Which day?' }),
      endNode('booked', 'completed', 0, 840),
      endNode('refused', 'refused', 320, 300),
      endNode('later', 'callback', 320, 660),
    ],
    edges: [
      edge('start', 'opening'),
      edge('opening', 'interest'),
      edge('interest', 'refused', when('answer_interest', 'equalsOption', 'no'), 1),
      edge('interest', 'works'),
      edge('works', 'budget'),
      edge('budget', 'visit'),
      edge('visit', 'later', when('answer_visit', 'isFalse'), 1),
      edge('visit', 'visitDate'),
      edge('visitDate', 'booked'),
    ],
  };
}

/** Flows a new questionnaire can start from. */
export const STARTER_FLOWS = { blank: emptyFlow, returnVisit: returnVisitFlow, sales: salesFlow } as const;
export type StarterFlow = keyof typeof STARTER_FLOWS;
