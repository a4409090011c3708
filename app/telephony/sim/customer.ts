/**
 * The simulated customer on a robot call: how long prompts take to speak and what the customer
 * answers to a question, from a configurable distribution per question.
 */
import type { CollectRequest, CollectResult, Prompt } from '../port';
import { pick, type Rng, uniform } from './random';

/** Answers to one question: each answer's probability, and that of saying nothing. */
export interface AnswerDistribution {
  /** Key sequences, e.g. { '1': 0.6, '2': 0.3 }; keys outside validDigits give an `invalid` result. */
  digits?: Record<string, number>;
  /** Recognised phrases, used when the request accepts speech. */
  speech?: Record<string, number>;
  noInput?: number;
}

export interface SimCustomerOptions {
  /** By `CollectRequest.key` (the questionnaire node). */
  answers?: Record<string, AnswerDistribution>;
  /** For questions not listed: when absent, every valid key equally likely and 10 % no input. */
  fallback?: AnswerDistribution;
  /** Prompt end to the first key press, uniform in [min, max] seconds. */
  responseSec?: [number, number];
  /** Speech rate of the TTS, characters per second, by language prefix ('zh', 'en' …). */
  charsPerSec?: Record<string, number>;
  /** Length assumed for a recording (the simulator cannot read the file). */
  recordingSec?: number;
}

const CHARS_PER_SEC: Record<string, number> = { zh: 4, ja: 6, ko: 6, default: 14 };
const KEY_GAP_SEC = 0.3;

/** Seconds a prompt takes: proportional to the text's length in the prompt's language. */
export function promptSec(prompt: Prompt, options: SimCustomerOptions = {}): number {
  if (prompt.text === undefined) return prompt.recording ? (options.recordingSec ?? 5) : 0;
  const rates = { ...CHARS_PER_SEC, ...options.charsPerSec };
  const lang = prompt.language.toLowerCase().split('-')[0] ?? 'default';
  const rate = rates[lang] ?? rates.default ?? 14;
  return 0.3 + [...prompt.text.trim()].length / rate;
}

export interface DrawnAnswer {
  result: Exclude<CollectResult, { kind: 'hungUp' }>;
  /** Seconds after the prompt ended when the result is known. */
  afterSec: number;
  /** Keys pressed, with seconds after the prompt ended. */
  keys: { digit: string; afterSec: number }[];
}

export function drawAnswer(request: CollectRequest, options: SimCustomerOptions, r: Rng): DrawnAnswer {
  const dist =
    (request.key !== undefined ? options.answers?.[request.key] : undefined) ?? options.fallback ?? uniformOver(request);
  const weights: Record<string, number> = { noInput: dist.noInput ?? 0 };
  for (const [digits, w] of Object.entries(dist.digits ?? {})) weights[`d:${digits}`] = w;
  if (request.speech) for (const [text, w] of Object.entries(dist.speech ?? {})) weights[`s:${text}`] = w;
  const choice = pick(r, weights) ?? 'noInput';
  const [minSec, maxSec] = options.responseSec ?? [1, 4];
  const start = Math.min(uniform(r, minSec, maxSec), request.timeoutSec * 0.9);
  if (choice === 'noInput') return { result: { kind: 'noInput' }, afterSec: request.timeoutSec, keys: [] };
  if (choice.startsWith('s:')) {
    return { result: { kind: 'speech', text: choice.slice(2), confidence: 0.9 }, afterSec: start + 1, keys: [] };
  }
  const digits = [...choice.slice(2)].slice(0, request.maxDigits).join('');
  const keys = [...digits].map((digit, i) => ({ digit, afterSec: start + i * KEY_GAP_SEC }));
  const valid = [...digits].every((d) => request.validDigits.includes(d)) && digits.length >= (request.minDigits ?? 1);
  return {
    result: valid ? { kind: 'digits', digits } : { kind: 'invalid', digits },
    afterSec: start + Math.max(0, keys.length - 1) * KEY_GAP_SEC + 0.1,
    keys,
  };
}

function uniformOver(request: CollectRequest): AnswerDistribution {
  const keys = [...new Set(request.validDigits)];
  return { digits: Object.fromEntries(keys.map((k) => [k, 0.9 / keys.length])), noInput: 0.1 };
}
