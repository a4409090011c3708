import { AudioMutedOutlined, AudioOutlined, NumberOutlined, PauseOutlined, PhoneOutlined } from '@ant-design/icons';
import { Button, Card, Input, Space, Tag, Tooltip, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { clock, elapsedSec } from './useAgentLive';

export interface CallView {
  attemptId: string;
  /** dialing, ringing, answered, connected, ended, failed … */
  state: string;
  result: string | null;
  phoneMasked: string;
  name: string;
  connectedAt: string | null;
  endedAt: string | null;
  held: boolean;
  muted: boolean;
}

interface Props {
  call: CallView | null;
  now: number;
  onAction(action: 'hangup' | 'hold' | 'unhold' | 'mute' | 'unmute' | 'dtmf', digits?: string): void;
  /** The FreeSWITCH line (registration, devices, level), when the switch is FreeSWITCH. */
  line?: ReactNode;
}

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

/**
 * The softphone panel: the call in hand with its timer, hang up, hold, mute and a DTMF pad. On
 * the embedded switch the buttons drive the simulated call; with FreeSWITCH they drive the Verto
 * call in this browser (useVertoPhone), whose line state shows above them.
 */
export function Softphone({ call, now, onAction, line }: Props) {
  const { t } = useTranslation();
  const [pad, setPad] = useState(false);
  const [digits, setDigits] = useState('');
  const live = call && !call.endedAt && call.state !== 'ended' && call.state !== 'failed';
  const talking = live && call.state === 'connected';
  const talkSec = call?.connectedAt ? elapsedSec(call.connectedAt, call.endedAt ? Date.parse(call.endedAt) : now) : 0;
  return (
    <Card size="small" title={t('workstation.softphone.title')} data-testid="softphone" data-attempt={call?.attemptId ?? ''}>
      {line}
      {call ? (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Space style={{ justifyContent: 'space-between', width: '100%' }}>
            <Typography.Text strong>{call.name}</Typography.Text>
            <Tag color={talking ? 'blue' : live ? 'gold' : 'default'} data-testid="call-state">
              {t(`workstation.call.${call.endedAt ? 'ended' : call.state}`, { defaultValue: call.state })}
            </Tag>
          </Space>
          <Typography.Text data-testid="call-number">{call.phoneMasked}</Typography.Text>
          <Typography.Title level={3} style={{ margin: 0 }} data-testid="call-timer">
            {clock(talkSec)}
          </Typography.Title>
          {call.result && call.state !== 'connected' && !call.connectedAt ? (
            <Typography.Text type="secondary" data-testid="call-result">
              {t(`workstation.result.${call.result}`, { defaultValue: call.result })}
            </Typography.Text>
          ) : null}
          <Space wrap>
            <Tooltip title="Alt+H">
              <Button
                danger
                type="primary"
                icon={<PhoneOutlined rotate={225} />}
                disabled={!live}
                onClick={() => onAction('hangup')}
                data-testid="hang-up"
              >
                {t('workstation.softphone.hangUp')}
              </Button>
            </Tooltip>
            <Button
              icon={<PauseOutlined />}
              disabled={!talking}
              onClick={() => onAction(call.held ? 'unhold' : 'hold')}
              aria-pressed={call.held}
            >
              {call.held ? t('workstation.softphone.unhold') : t('workstation.softphone.hold')}
            </Button>
            <Button
              icon={call.muted ? <AudioMutedOutlined /> : <AudioOutlined />}
              disabled={!talking}
              onClick={() => onAction(call.muted ? 'unmute' : 'mute')}
              aria-pressed={call.muted}
            >
              {call.muted ? t('workstation.softphone.unmute') : t('workstation.softphone.mute')}
            </Button>
            <Button icon={<NumberOutlined />} disabled={!talking} onClick={() => setPad((p) => !p)} aria-expanded={pad}>
              {t('workstation.softphone.dtmf')}
            </Button>
          </Space>
          {pad && talking ? (
            <Space orientation="vertical">
              <Input value={digits} readOnly aria-label={t('workstation.softphone.dtmf')} />
              <div style={{ display: 'grid', gridTemplateColumns: 'repeat(3, 48px)', gap: 4 }}>
                {KEYS.map((k) => (
                  <Button
                    key={k}
                    onClick={() => {
                      setDigits((d) => d + k);
                      onAction('dtmf', k);
                    }}
                  >
                    {k}
                  </Button>
                ))}
              </div>
            </Space>
          ) : null}
        </Space>
      ) : (
        <Typography.Text type="secondary">{t('workstation.softphone.idle')}</Typography.Text>
      )}
    </Card>
  );
}
