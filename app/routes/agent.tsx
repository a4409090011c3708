import type { MetaFunction } from '@remix-run/node';
import { useLoaderData, useRevalidator } from '@remix-run/react';
import { App, Col, Empty, Row, Space, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AppShell } from '../components/AppShell';
import { navigationFor } from '../components/navigation';
import { CustomerProfile } from '../components/workstation/CustomerProfile';
import { DialModes } from '../components/workstation/DialModes';
import { ScriptPanel } from '../components/workstation/ScriptPanel';
import { type CallView, Softphone } from '../components/workstation/Softphone';
import { SoftphoneLine } from '../components/workstation/SoftphoneLine';
import { type AgentStateView, StateBar } from '../components/workstation/StateBar';
import { type AgentLiveMessage, postJson, useAgentLive } from '../components/workstation/useAgentLive';
import { useVertoPhone, type VertoLineCall } from '../components/workstation/useVertoPhone';
import { type WrapUpContextView, WrapUpPanel } from '../components/workstation/WrapUpPanel';
import { withPermission } from '../modules/auth/guard.server';
import { can } from '../modules/auth/permissions';
import { agentTasks } from '../modules/workstation/agent-dial.server';
import { agentLanguage } from '../modules/workstation/route.server';
import type { ScreenPop } from '../modules/workstation/screen-pop.server';
import { softphoneMode } from '../modules/workstation/switch-setting.server';
import { pauseReasons, todayCounters, workstationState } from '../modules/workstation/workstation.server';

// 坐席工作台: the agent's whole shift on one screen (built for 1366×768 and the keyboard). The
// state bar on top; the softphone and the calls in the agent's hands on the left; the customer in
// the middle; the questionnaire and the wrap-up on the right. Live events drive it; the screen-pop
// arrives with the profile already built.

export const meta: MetaFunction = () => [{ title: '坐席工作台 · Waihu' }];

export const loader = withPermission('workstation.use', async ({ request, user }) => {
  const language = await agentLanguage(user, request);
  const [tasks, reasons, presence, counters, softphone] = await Promise.all([
    agentTasks(user.id),
    pauseReasons(),
    workstationState(user.id),
    todayCounters(user.id, user.timeZone),
    softphoneMode(),
  ]);
  return {
    user: { displayName: user.displayName, role: user.role },
    navigation: navigationFor(user.role),
    language,
    tasks,
    reasons: reasons.map((r) => ({ code: r.code, label: language === 'en' ? r.label.en : r.label.zh })),
    presence,
    counters,
    canDialManually: can(user.role, 'workstation.manualDial'),
    canExtend: can(user.role, 'workstation.extendWrapUp'),
    // The URL only: the agent's secret is fetched by the softphone (/agent/verto) at each connect.
    softphone: softphone.kind === 'verto' ? { kind: 'verto' as const, url: softphone.url } : { kind: softphone.kind },
  };
});

const HEARTBEAT_MS = 10_000;

const VERTO_TO_CALL_STATE: Record<VertoLineCall['state'], string> = {
  ringing: 'ringing',
  answering: 'answered',
  active: 'connected',
  ended: 'ended',
  failed: 'failed',
};

/**
 * The call the softphone shows: the attempt on screen (with hold and mute from the Verto call
 * that carries it), or — with FreeSWITCH, before or without a screen-pop — the Verto call itself.
 */
function softphoneCall(call: CallView | null, verto: VertoLineCall | null): CallView | null {
  if (call) return verto && verto.attemptId === call.attemptId ? { ...call, held: verto.held, muted: verto.muted } : call;
  if (!verto) return null;
  return {
    attemptId: verto.attemptId ?? verto.callID,
    state: VERTO_TO_CALL_STATE[verto.state],
    result: null,
    phoneMasked: '',
    name: verto.callerName,
    connectedAt: verto.connectedAt,
    endedAt: verto.endedAt,
    held: verto.held,
    muted: verto.muted,
  };
}

declare global {
  interface Window {
    /** Screen-pop timing for the end-to-end test: the connect event's time and when the profile showed. */
    __waihuPop?: { attemptId: string; eventAt: string; receivedAt: number; shownAt?: number };
  }
}

export default function Workstation() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const { message } = App.useApp();
  const revalidator = useRevalidator();
  const [presence, setPresence] = useState<AgentStateView>(data.presence);
  const [pop, setPop] = useState<ScreenPop | null>(null);
  const [call, setCall] = useState<CallView | null>(null);
  const [wrapUp, setWrapUp] = useState<WrapUpContextView | null>(null);
  const [linksSent, setLinksSent] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [now, setNow] = useState(() => Date.now());
  const popAt = useRef<string | null>(null);
  // With FreeSWITCH: this browser's Verto line and its call (null on the embedded sim switch).
  const line = useVertoPhone(data.softphone);

  // A reload of the page data may answer after a newer live event: the newer state wins.
  useEffect(
    () => setPresence((p) => (Date.parse(data.presence.since) >= Date.parse(p.since) ? data.presence : p)),
    [data.presence],
  );
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  // The server sets an agent whose browser vanished offline: the heartbeat says we are here.
  useEffect(() => {
    const beat = () => void postJson('/agent/state', { intent: 'heartbeat' });
    const timer = setInterval(beat, HEARTBEAT_MS);
    return () => clearInterval(timer);
  }, []);

  // The last live state of each call: a profile fetched before a quick call ended must not bring it back to life.
  const lastEvent = useRef(new Map<string, { state: string; result: string | null; at: string }>());

  const showPop = useCallback((p: ScreenPop) => {
    setPop(p);
    setLinksSent([]);
    const seen = lastEvent.current.get(p.attempt.id);
    const ended = seen?.state === 'ended' && !p.attempt.endedAt;
    setCall((c) => ({
      attemptId: p.attempt.id,
      state: ended ? 'ended' : p.attempt.state,
      result: ended ? seen.result : p.attempt.result,
      phoneMasked: p.contact.phoneMasked,
      name: p.contact.name,
      connectedAt: p.attempt.connectedAt,
      endedAt: ended ? seen.at : p.attempt.endedAt,
      held: c?.attemptId === p.attempt.id ? c.held : false,
      muted: c?.attemptId === p.attempt.id ? c.muted : false,
    }));
  }, []);

  const loadPop = useCallback(
    async (attemptId: string) => {
      const response = await fetch(`/agent/pop/${attemptId}`);
      if (response.ok) showPop((await response.json()) as ScreenPop);
    },
    [showPop],
  );

  const loadWrapUp = useCallback(async (attemptId: string) => {
    const response = await fetch(`/agent/wrapup?attemptId=${attemptId}`);
    const context = response.ok ? ((await response.json()) as { context: WrapUpContextView | null }).context : null;
    setWrapUp(context && !context.submitted ? context : null);
  }, []);

  // After a reload (or a reconnect) the call or wrap-up in hand comes back.
  useEffect(() => {
    if (presence.attemptId && ['reserved', 'talking', 'wrapUp'].includes(presence.state)) void loadPop(presence.attemptId);
    if (presence.attemptId && presence.state === 'wrapUp') void loadWrapUp(presence.attemptId);
  }, [presence.attemptId, presence.state, loadPop, loadWrapUp]);

  // Record when the profile is on screen (the e2e test measures event → screen).
  useEffect(() => {
    if (pop && window.__waihuPop?.attemptId === pop.attempt.id && !window.__waihuPop.shownAt)
      window.__waihuPop.shownAt = Date.now();
  }, [pop]);

  const onLive = (m: AgentLiveMessage) => {
    if (m.topic === 'screenPop') {
      const p = m.data as unknown as ScreenPop;
      window.__waihuPop = { attemptId: p.attempt.id, eventAt: m.at, receivedAt: Date.now() };
      popAt.current = m.at;
      showPop(p);
    } else if (m.topic === 'agent') {
      const state = String(m.data.state);
      const attemptId = (m.data.attemptId as string | undefined) ?? null;
      setPresence((p) => ({
        state,
        since: m.at,
        pauseReason: (m.data.pauseReason as string | null | undefined) ?? null,
        attemptId: state === 'ready' || state === 'paused' || state === 'offline' ? null : (attemptId ?? p.attemptId),
      }));
      if (state === 'wrapUp' && attemptId) {
        setCall((c) => (c && c.attemptId === attemptId ? { ...c, state: 'ended', endedAt: c.endedAt ?? m.at } : c));
        void loadWrapUp(attemptId);
      }
      if (state === 'reserved' && attemptId) void loadPop(attemptId);
      if (state === 'ready' || state === 'paused') revalidator.revalidate();
    } else if (m.topic === 'attempt') {
      const id = String(m.data.id);
      lastEvent.current.set(id, { state: String(m.data.state), result: (m.data.result as string | null) ?? null, at: m.at });
      setCall((c) =>
        c && c.attemptId === id
          ? {
              ...c,
              state: String(m.data.state),
              result: (m.data.result as string | undefined) ?? c.result,
              endedAt: m.data.state === 'ended' ? m.at : c.endedAt,
            }
          : c,
      );
    } else if (m.topic === 'call') {
      setCall((c) =>
        c && c.attemptId === m.data.attemptId ? { ...c, held: Boolean(m.data.held), muted: Boolean(m.data.muted) } : c,
      );
    }
  };
  useAgentLive(onLive, () => revalidator.revalidate());

  const changeState = async (intent: 'ready' | 'pause' | 'logout', reason?: string) => {
    setBusy(true);
    try {
      const answer = await postJson<{ ok: boolean; state?: string; error?: string }>('/agent/state', { intent, reason });
      if (!answer.ok) message.warning(t(answer.error ?? 'workstation.failed'));
      else if (answer.state) {
        setPresence({ state: answer.state, since: new Date().toISOString(), pauseReason: reason ?? null, attemptId: null });
        if (answer.state === 'ready') {
          setPop(null);
          setCall(null);
          line?.dismiss();
          setWrapUp(null);
        }
      }
    } finally {
      setBusy(false);
    }
  };

  const callAction = async (action: 'hangup' | 'hold' | 'unhold' | 'mute' | 'unmute' | 'dtmf', digits?: string) => {
    // With FreeSWITCH the call's media is in this browser: the buttons act on the Verto call. A call
    // not yet bridged to the agent (a preview still ringing the customer) is the dialer's to end.
    const verto = line?.call && ['active', 'answering'].includes(line.call.state) ? line : null;
    if (verto) {
      try {
        if (action === 'hangup') await verto.hangup();
        else if (action === 'hold' || action === 'unhold') await verto.hold(action === 'hold');
        else if (action === 'mute' || action === 'unmute') verto.mute(action === 'mute');
        else if (digits) await verto.dtmf(digits);
      } catch {
        message.warning(t('workstation.failed'));
      }
      return;
    }
    const answer = await postJson<{ ok: boolean; error?: string }>('/agent/call', { action, digits });
    if (!answer.ok) message.warning(t(answer.error ?? 'workstation.failed'));
  };

  const sendLink = async (productId: string) => {
    if (!call) return;
    const answer = await postJson<{ ok: boolean; error?: string }>('/agent/links', { attemptId: call.attemptId, productId });
    if (answer.ok) {
      setLinksSent((l) => [...l, productId]);
      message.success(t('workstation.products.linkSent'));
    } else message.warning(t(answer.error ?? 'workstation.failed'));
  };

  // Keyboard: Alt+R ready, Alt+H hang up, Ctrl+Enter submits the wrap-up.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey && e.key.toLowerCase() === 'r') void changeState('ready');
      else if (e.altKey && e.key.toLowerCase() === 'h') void callAction('hangup');
      else if (e.ctrlKey && e.key === 'Enter')
        (document.querySelector('[data-testid="wrapup-submit"]') as HTMLButtonElement | null)?.click();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const idle = presence.state === 'ready' || presence.state === 'paused';
  const connected = !!pop?.attempt.connectedAt || call?.state === 'connected';
  return (
    <AppShell navigation={data.navigation} user={data.user} language={data.language} compact>
      <Space orientation="vertical" style={{ width: '100%', marginBottom: 12 }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('workstation.title')}
        </Typography.Title>
        <StateBar
          presence={presence}
          now={now}
          reasons={data.reasons}
          counters={data.counters}
          busy={busy}
          onChange={changeState}
        />
      </Space>
      {data.tasks.length === 0 ? <Empty description={t('workstation.noTasks')} /> : null}
      <Row gutter={12}>
        <Col flex="300px">
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Softphone
              call={softphoneCall(call, line?.call ?? null)}
              now={now}
              onAction={callAction}
              line={line ? <SoftphoneLine line={line} attemptOnScreen={call?.attemptId ?? null} /> : null}
            />
            <DialModes
              tasks={data.tasks}
              canDialManually={data.canDialManually}
              idle={idle}
              now={now}
              onError={(text) => message.warning(text)}
            />
          </Space>
        </Col>
        <Col flex="1 1 420px" style={{ minWidth: 0 }}>
          {pop ? (
            <div data-testid="screen-pop">
              <CustomerProfile profile={pop} onSendLink={connected ? sendLink : undefined} linksSent={linksSent} />
            </div>
          ) : (
            <Empty description={t('workstation.waiting')} style={{ marginTop: 48 }} />
          )}
        </Col>
        <Col flex="380px">
          <Space orientation="vertical" style={{ width: '100%' }}>
            {pop && connected && pop.task.questionnaireVersionId ? <ScriptPanel attemptId={pop.attempt.id} /> : null}
            {wrapUp && presence.state === 'wrapUp' ? (
              <WrapUpPanel
                key={wrapUp.attemptId}
                context={wrapUp}
                now={now}
                canExtend={data.canExtend}
                reasons={data.reasons}
                onDone={() => {
                  setWrapUp(null);
                  setPop(null);
                  setCall(null);
                  message.success(t('workstation.wrapup.saved'));
                  revalidator.revalidate();
                }}
              />
            ) : null}
          </Space>
        </Col>
      </Row>
    </AppShell>
  );
}
