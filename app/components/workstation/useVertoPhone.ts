import { useCallback, useEffect, useRef, useState } from 'react';
import { VertoClient, type VertoState } from '../../telephony/verto/verto-client';
import {
  type AudioDevice,
  CallMedia,
  checkMicrophone,
  listDevices,
  MicrophoneError,
  type MicStatus,
  rememberDevice,
  rememberedDevice,
  setOutput,
} from '../../telephony/verto/verto-media';
import { postJson } from './useAgentLive';

// The FreeSWITCH softphone for the workstation: registers over Verto with the agent's own
// short-lived credentials (/agent/verto), answers the bridged call at once (auto-answer, ADR 051)
// with WebRTC media, and drives it from the softphone's buttons.

/** How the page's softphone connects (from the loader): the sim line, or Verto. */
export type SoftphoneModeView = { kind: 'sim' } | { kind: 'vertoUnconfigured' } | { kind: 'verto'; url: string };

export type LineState = 'notConfigured' | Exclude<VertoState, 'idle'>;

export interface VertoLineCall {
  callID: string;
  /** The Waihu attempt the switch put on the invite (`verto_h_waihu_attempt_id`). */
  attemptId: string | null;
  callerName: string;
  state: 'ringing' | 'answering' | 'active' | 'ended' | 'failed';
  held: boolean;
  muted: boolean;
  /** Why it ended or failed: a Q.850 cause name, or `mic:denied` / `mic:missing`. */
  cause: string | null;
  connectedAt: string | null;
  endedAt: string | null;
}

export interface VertoLine {
  state: LineState;
  error: string | null;
  mic: MicStatus;
  inputs: AudioDevice[];
  outputs: AudioDevice[];
  input: string;
  output: string;
  canChooseOutput: boolean;
  level: number;
  call: VertoLineCall | null;
  chooseInput(deviceId: string): void;
  chooseOutput(deviceId: string): void;
  retry(): void;
  /** Forgets an ended call (the agent moved on). */
  dismiss(): void;
  hangup(): Promise<void>;
  hold(hold: boolean): Promise<void>;
  mute(muted: boolean): void;
  dtmf(digits: string): Promise<void>;
}

type CredentialAnswer = { ok: true; login: string; password: string } | { ok: false; error: string };

const SESSID_KEY = 'waihu.verto.sessid';

const sessionStore = {
  get: () => {
    try {
      return sessionStorage.getItem(SESSID_KEY);
    } catch {
      return null;
    }
  },
  set: (v: string) => {
    try {
      sessionStorage.setItem(SESSID_KEY, v);
    } catch {
      // Without storage a reload starts a new session; calls are not reattached.
    }
  },
};

export function useVertoPhone(mode: SoftphoneModeView): VertoLine | null {
  const url = mode.kind === 'verto' ? mode.url : null;
  const [state, setState] = useState<LineState>(mode.kind === 'verto' ? 'connecting' : 'notConfigured');
  const [error, setError] = useState<string | null>(null);
  const [mic, setMic] = useState<MicStatus>('unknown');
  const [devices, setDevices] = useState<{ inputs: AudioDevice[]; outputs: AudioDevice[] }>({ inputs: [], outputs: [] });
  const [input, setInput] = useState('');
  const [output, setOutputId] = useState('');
  const [level, setLevel] = useState(0);
  const [call, setCall] = useState<VertoLineCall | null>(null);
  const [generation, setGeneration] = useState(0);
  const client = useRef<VertoClient | null>(null);
  const media = useRef<CallMedia | null>(null);
  const audio = useRef<HTMLAudioElement | null>(null);
  const inputRef = useRef('');

  const patchCall = useCallback(
    (callID: string, patch: Partial<VertoLineCall>) => setCall((c) => (c && c.callID === callID ? { ...c, ...patch } : c)),
    [],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new generation (the retry button) signs in afresh.
  useEffect(() => {
    if (!url) return;
    audio.current ??= new Audio();
    const remembered = { input: rememberedDevice('input'), output: rememberedDevice('output') };
    inputRef.current = remembered.input;
    setInput(remembered.input);
    setOutputId(remembered.output);
    if (remembered.output) void setOutput(audio.current, remembered.output).catch(() => {});
    void checkMicrophone(remembered.input).then(async (status) => {
      setMic(status);
      setDevices(await listDevices().catch(() => ({ inputs: [], outputs: [] })));
    });

    const c = new VertoClient({
      url,
      sessionStore,
      credentials: async () => {
        const answer = await postJson<CredentialAnswer>('/agent/verto', {});
        if (!answer.ok) throw new Error(answer.error);
        return { login: answer.login, passwd: answer.password };
      },
    });
    client.current = c;

    const answerWithMedia = async (callID: string, offer: string, reattach: boolean) => {
      media.current?.close();
      const m = new CallMedia(audio.current!, inputRef.current);
      media.current = m;
      try {
        const sdp = await m.answer(offer);
        if (reattach) await c.attach(callID, sdp);
        else await c.answer(callID, sdp);
        patchCall(callID, { state: 'active', connectedAt: new Date().toISOString() });
      } catch (err) {
        m.close();
        const cause = err instanceof MicrophoneError ? `mic:${err.status}` : 'INCOMPATIBLE_DESTINATION';
        if (err instanceof MicrophoneError) setMic(err.status);
        patchCall(callID, { state: 'failed', cause, endedAt: new Date().toISOString() });
        // Decline so the switch can give the customer to another agent at once.
        await c.hangup(callID, err instanceof MicrophoneError ? 'USER_BUSY' : 'INCOMPATIBLE_DESTINATION');
      }
    };

    const off = c.on({
      state: (s, d) => {
        setState(s === 'idle' ? 'connecting' : s);
        setError(d.error ?? null);
      },
      invite: (invite) => {
        setCall({
          callID: invite.callID,
          attemptId: invite.headers.verto_h_waihu_attempt_id ?? null,
          callerName: invite.callerIdName,
          state: 'answering',
          held: false,
          muted: false,
          cause: null,
          connectedAt: null,
          endedAt: null,
        });
        void answerWithMedia(invite.callID, invite.sdp, false);
      },
      attach: (callID, sdp) => void answerWithMedia(callID, sdp, true),
      held: (callID, held) => patchCall(callID, { held }),
      ended: (callID, end) => {
        media.current?.close();
        media.current = null;
        setLevel(0);
        setCall((x) =>
          x && x.callID === callID
            ? {
                ...x,
                state: x.state === 'failed' ? 'failed' : 'ended',
                cause: x.cause ?? end.cause,
                endedAt: x.endedAt ?? new Date().toISOString(),
              }
            : x,
        );
      },
    });
    c.start();
    const online = () => c.reconnectNow();
    window.addEventListener('online', online);
    return () => {
      window.removeEventListener('online', online);
      off();
      c.stop();
      media.current?.close();
      media.current = null;
      client.current = null;
    };
  }, [url, generation, patchCall]);

  // The input level while a call's media is up.
  const active = call?.state === 'active';
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setLevel(media.current?.level() ?? 0), 150);
    return () => clearInterval(timer);
  }, [active]);

  if (mode.kind === 'sim') return null;
  const callID = call?.callID ?? '';
  return {
    state: mode.kind === 'verto' ? state : 'notConfigured',
    error,
    mic,
    inputs: devices.inputs,
    outputs: devices.outputs,
    input,
    output,
    canChooseOutput: typeof HTMLAudioElement !== 'undefined' && 'setSinkId' in HTMLAudioElement.prototype,
    level,
    call,
    chooseInput(deviceId) {
      rememberDevice('input', deviceId);
      inputRef.current = deviceId;
      setInput(deviceId);
      void media.current?.setInput(deviceId).catch(() => setMic('missing'));
    },
    chooseOutput(deviceId) {
      rememberDevice('output', deviceId);
      setOutputId(deviceId);
      if (audio.current) void setOutput(audio.current, deviceId).catch(() => {});
    },
    retry: () => setGeneration((g) => g + 1),
    dismiss: () => setCall((c) => (c && (c.state === 'ended' || c.state === 'failed') ? null : c)),
    async hangup() {
      if (callID) await client.current?.hangup(callID);
    },
    async hold(hold) {
      if (callID) await client.current?.hold(callID, hold);
    },
    mute(muted) {
      media.current?.setMuted(muted);
      if (callID) patchCall(callID, { muted });
    },
    async dtmf(digits) {
      if (callID) await client.current?.dtmf(callID, digits);
    },
  };
}
