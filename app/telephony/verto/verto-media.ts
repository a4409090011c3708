// The WebRTC half of the agent's softphone (browser only): the microphone, the answer to
// FreeSWITCH's SDP offer, the chosen input and output devices, mute and the input level. The
// signalling lives in verto-client.ts; this file never touches the WebSocket.

export type MicStatus = 'unknown' | 'granted' | 'denied' | 'missing' | 'unsupported';

export interface AudioDevice {
  deviceId: string;
  label: string;
}

const STORE = { input: 'waihu.softphone.input', output: 'waihu.softphone.output' } as const;

/** The device chosen on this browser last time ('' = the system default). */
export function rememberedDevice(kind: keyof typeof STORE): string {
  try {
    return localStorage.getItem(STORE[kind]) ?? '';
  } catch {
    return '';
  }
}

export function rememberDevice(kind: keyof typeof STORE, deviceId: string): void {
  try {
    localStorage.setItem(STORE[kind], deviceId);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}

function micError(error: unknown): MicStatus {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'missing';
  return 'denied';
}

const audioConstraints = (deviceId: string): MediaStreamConstraints => ({
  audio: deviceId
    ? { deviceId: { exact: deviceId }, echoCancellation: true, noiseSuppression: true }
    : { echoCancellation: true, noiseSuppression: true },
  video: false,
});

/** Asks for the microphone once (the browser's prompt) and releases it; says what happened. */
export async function checkMicrophone(deviceId: string): Promise<MicStatus> {
  if (typeof navigator === 'undefined' || !navigator.mediaDevices?.getUserMedia) return 'unsupported';
  try {
    const stream = await navigator.mediaDevices.getUserMedia(audioConstraints(deviceId));
    for (const t of stream.getTracks()) t.stop();
    return 'granted';
  } catch (error) {
    // A remembered device that was unplugged: fall back to the default one.
    if (deviceId && micError(error) === 'missing') return checkMicrophone('');
    return micError(error);
  }
}

/** Microphones and speakers (labels appear once the microphone was allowed). */
export async function listDevices(): Promise<{ inputs: AudioDevice[]; outputs: AudioDevice[] }> {
  if (typeof navigator === 'undefined' || !navigator.mediaDevices?.enumerateDevices) return { inputs: [], outputs: [] };
  const all = await navigator.mediaDevices.enumerateDevices();
  const pick = (kind: MediaDeviceKind) =>
    all
      .filter((d) => d.kind === kind && d.deviceId && d.deviceId !== 'default')
      .map((d, i) => ({ deviceId: d.deviceId, label: d.label || `${kind} ${i + 1}` }));
  return { inputs: pick('audioinput'), outputs: pick('audiooutput') };
}

export class MicrophoneError extends Error {
  constructor(readonly status: MicStatus) {
    super(`microphone ${status}`);
  }
}

/** One call's media: a peer connection answering FreeSWITCH's offer. */
export class CallMedia {
  private pc: RTCPeerConnection | null = null;
  private stream: MediaStream | null = null;
  private audioContext: AudioContext | null = null;
  private analyser: AnalyserNode | null = null;
  private samples: Uint8Array<ArrayBuffer> | null = null;

  constructor(
    private readonly audio: HTMLAudioElement,
    private inputId: string,
    /** Verto sends no trickle candidates: the answer waits for ICE gathering, at most this long. */
    private readonly gatherMs = 3000,
  ) {}

  /** The SDP answer to FreeSWITCH's offer, with the microphone attached. */
  async answer(offerSdp: string): Promise<string> {
    try {
      this.stream = await navigator.mediaDevices.getUserMedia(audioConstraints(this.inputId));
    } catch (error) {
      throw new MicrophoneError(micError(error));
    }
    const pc = new RTCPeerConnection({ iceServers: [] });
    this.pc = pc;
    for (const track of this.stream.getAudioTracks()) pc.addTrack(track, this.stream);
    pc.ontrack = (event) => {
      this.audio.srcObject = event.streams[0] ?? new MediaStream([event.track]);
      void this.audio.play().catch(() => {});
    };
    await pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
    await pc.setLocalDescription(await pc.createAnswer());
    await this.gathered(pc);
    this.meter();
    return pc.localDescription?.sdp ?? '';
  }

  private gathered(pc: RTCPeerConnection): Promise<void> {
    if (pc.iceGatheringState === 'complete') return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        pc.removeEventListener('icegatheringstatechange', check);
        resolve();
      };
      const check = () => {
        if (pc.iceGatheringState === 'complete') done();
      };
      const timer = setTimeout(done, this.gatherMs);
      pc.addEventListener('icegatheringstatechange', check);
    });
  }

  private meter(): void {
    if (!this.stream || typeof AudioContext === 'undefined') return;
    this.audioContext = new AudioContext();
    this.analyser = this.audioContext.createAnalyser();
    this.analyser.fftSize = 512;
    this.samples = new Uint8Array(this.analyser.fftSize);
    this.audioContext.createMediaStreamSource(this.stream).connect(this.analyser);
  }

  /** The microphone's level now, 0–100 (RMS of the waveform). */
  level(): number {
    if (!this.analyser || !this.samples) return 0;
    this.analyser.getByteTimeDomainData(this.samples);
    let sum = 0;
    for (const s of this.samples) sum += ((s - 128) / 128) ** 2;
    return Math.min(100, Math.round(Math.sqrt(sum / this.samples.length) * 300));
  }

  setMuted(muted: boolean): void {
    for (const t of this.stream?.getAudioTracks() ?? []) t.enabled = !muted;
  }

  /** Switches the microphone during a call without renegotiating. */
  async setInput(deviceId: string): Promise<void> {
    this.inputId = deviceId;
    if (!this.pc || !this.stream) return;
    const next = await navigator.mediaDevices.getUserMedia(audioConstraints(deviceId));
    const track = next.getAudioTracks()[0];
    const sender = this.pc.getSenders().find((s) => s.track?.kind === 'audio');
    if (!track || !sender) return;
    const muted = this.stream.getAudioTracks()[0]?.enabled === false;
    await sender.replaceTrack(track);
    for (const t of this.stream.getTracks()) t.stop();
    track.enabled = !muted;
    this.stream = next;
    this.audioContext?.createMediaStreamSource(next).connect(this.analyser!);
  }

  close(): void {
    for (const t of this.stream?.getTracks() ?? []) t.stop();
    this.pc?.close();
    void this.audioContext?.close().catch(() => {});
    this.audio.srcObject = null;
    this.pc = null;
    this.stream = null;
    this.analyser = null;
  }
}

/** Plays the far end on the chosen speaker (where the browser supports choosing). */
export async function setOutput(audio: HTMLAudioElement, deviceId: string): Promise<boolean> {
  const el = audio as HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };
  if (!el.setSinkId) return false;
  await el.setSinkId(deviceId);
  return true;
}
