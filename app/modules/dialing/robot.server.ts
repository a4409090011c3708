import { type CollectResult, type Softswitch, SoftswitchError } from '../../telephony/port';
import { RunnerError, runnerState, startResponse, submitAnswer } from '../questionnaires/runner.server';
import type { QuestionView } from '../questionnaires/view';

// The robot channel: the task's questionnaire run over the switch. Each question becomes a prompt
// (the text through the switch's TTS) and keys map onto answers: options by number, yes = 1 and
// no = 2, numbers typed and ended with #. Answers go through the same runner as an agent's, so
// they are validated and stored the same way. 0 asks for an agent when the task allows it.

export interface RobotSettings {
  maxRetries: number;
  transferRule: 'never' | 'onRequest' | 'onFailure' | 'always';
  prompts: Partial<Record<string, string>>;
}

export type RobotEnd = { kind: 'completed'; outcome: string } | { kind: 'transfer' } | { kind: 'gaveUp' } | { kind: 'hungUp' };

const YES = '1';
const NO = '2';
const AGENT = '0';

/** The spoken prompt and the keys a question accepts. */
export function robotPrompt(q: QuestionView, settings: RobotSettings, language: string) {
  const en = language === 'en';
  const extra = settings.prompts[q.type];
  switch (q.type) {
    case 'single': {
      const menu = q.options
        .map((o, i) => (en ? `for ${o.label} press ${i + 1}` : `${o.label}请按${i + 1}`))
        .join(en ? ', ' : '，');
      return {
        text: `${q.text} ${extra ?? menu}`,
        maxDigits: 1,
        validDigits: `${q.options.map((_, i) => i + 1).join('')}${AGENT}`,
      };
    }
    case 'yesNo':
      return {
        text: `${q.text} ${extra ?? (en ? 'Press 1 for yes, 2 for no.' : '是请按1，否请按2。')}`,
        maxDigits: 1,
        validDigits: `${YES}${NO}${AGENT}`,
      };
    case 'number':
    case 'rating':
      return {
        text: `${q.text} ${extra ?? (en ? 'Key in the number and press #.' : '请输入数字并以#号结束。')}`,
        maxDigits: 4,
        validDigits: '0123456789#',
      };
    case 'identity':
      return {
        text: `${q.text} ${extra ?? (en ? 'Key in the digits and press #.' : '请输入后按#号键。')}`,
        maxDigits: 6,
        validDigits: '0123456789#X*',
      };
    default:
      return null;
  }
}

/** The answer a key sequence gives for a question, or null when it means nothing. */
export function keysToAnswer(q: QuestionView, digits: string): unknown {
  const keys = digits.replace(/#$/, '');
  if (q.type === 'single') return q.options[Number(keys) - 1]?.code ?? null;
  if (q.type === 'yesNo') return keys === YES ? true : keys === NO ? false : null;
  if (q.type === 'number' || q.type === 'rating') return keys === '' ? null : Number(keys);
  if (q.type === 'identity') return keys.replace(/\*/g, 'X') || null;
  return null;
}

/** The customer hung up while the robot spoke or listened. */
const gone = (error: unknown) =>
  error instanceof SoftswitchError && (error.reason === 'noSuchCall' || error.reason === 'notAnswered');

export type RobotCall = {
  callId: string;
  versionId: string;
  contactId: bigint;
  taskId: string;
  settings: RobotSettings;
  language: string;
};

export async function runRobotCall(sw: Softswitch, input: RobotCall): Promise<RobotEnd> {
  try {
    return await converse(sw, input);
  } catch (error) {
    if (gone(error)) return { kind: 'hungUp' };
    throw error;
  }
}

async function converse(sw: Softswitch, input: RobotCall): Promise<RobotEnd> {
  const { callId, settings, language } = input;
  if (settings.transferRule === 'always') return { kind: 'transfer' };
  const responseId = await startResponse({
    versionId: input.versionId,
    contactId: input.contactId,
    channel: 'robot',
    taskId: input.taskId,
    attemptId: callId,
  });
  for (let step = 0; step < 200; step++) {
    const state = await runnerState(responseId, language);
    if (state.status === 'completed' || !state.question) return { kind: 'completed', outcome: state.outcome ?? 'completed' };
    const q = state.question;
    if (q.type === 'script' || q.type === 'text') {
      // Scripts are read out; free text cannot be keyed in, so an optional one is skipped.
      const played = await sw.play(callId, { text: q.text, language });
      if (!played.completed) return { kind: 'hungUp' };
      if (q.type === 'text' && q.required) return settings.transferRule === 'never' ? { kind: 'gaveUp' } : { kind: 'transfer' };
      await submitAnswer(responseId, q.nodeId, q.type === 'script' ? true : null, language);
      continue;
    }
    const prompt = robotPrompt(q, settings, language);
    if (!prompt) return { kind: 'gaveUp' };
    let answered = false;
    for (let attempt = 0; attempt <= settings.maxRetries && !answered; attempt++) {
      const result: CollectResult = await sw.playAndCollect(callId, {
        prompt: { text: prompt.text, language },
        key: q.nodeId,
        maxDigits: prompt.maxDigits,
        timeoutSec: 6,
        validDigits: prompt.validDigits,
      });
      if (result.kind === 'hungUp') return { kind: 'hungUp' };
      if (result.kind !== 'digits') continue;
      if (result.digits === AGENT && settings.transferRule !== 'never') return { kind: 'transfer' };
      const value = keysToAnswer(q, result.digits);
      if (value === null) continue;
      try {
        await submitAnswer(responseId, q.nodeId, value, language);
        answered = true;
      } catch (error) {
        if (!(error instanceof RunnerError)) throw error;
      }
    }
    if (!answered) return settings.transferRule === 'onFailure' ? { kind: 'transfer' } : { kind: 'gaveUp' };
  }
  return { kind: 'gaveUp' };
}
