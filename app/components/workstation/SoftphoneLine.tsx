import { SettingOutlined } from '@ant-design/icons';
import { Alert, Button, Progress, Select, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AudioDevice } from '../../telephony/verto/verto-media';
import type { LineState, VertoLine } from './useVertoPhone';

const STATE_COLOR: Record<LineState, string> = {
  notConfigured: 'default',
  connecting: 'processing',
  registered: 'success',
  loginFailed: 'error',
  reconnecting: 'warning',
  closed: 'default',
};

/**
 * The FreeSWITCH line above the softphone's buttons: registration state, microphone permission,
 * device choice and input level, and the Verto call's own state when no attempt on screen matches
 * it (the buttons below then act on that call).
 */
export function SoftphoneLine({ line, attemptOnScreen }: { line: VertoLine; attemptOnScreen: string | null }) {
  const { t } = useTranslation();
  const [devicesOpen, setDevicesOpen] = useState(false);
  const help =
    line.state === 'notConfigured'
      ? t('workstation.verto.stateHelp.notConfigured')
      : line.state === 'loginFailed'
        ? t('workstation.verto.stateHelp.loginFailed', { error: line.error ?? '' })
        : line.state === 'reconnecting'
          ? t('workstation.verto.stateHelp.reconnecting')
          : line.state === 'closed' && line.error === 'punted'
            ? t('workstation.verto.stateHelp.punted')
            : null;
  const call = line.call;
  const unmatched = call && call.attemptId !== attemptOnScreen;
  const deviceSelect = (value: string, list: AudioDevice[], onChange: (id: string) => void, testId: string) => (
    <Select
      style={{ width: '100%' }}
      value={value}
      options={[
        { value: '', label: t('workstation.verto.default') },
        ...list.map((d) => ({ value: d.deviceId, label: d.label })),
      ]}
      onChange={onChange}
      data-testid={testId}
    />
  );
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="verto-line">
      <Space style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Text type="secondary">{t('workstation.verto.title')}</Typography.Text>
        <Space size={4}>
          <Tag color={STATE_COLOR[line.state]} data-testid="verto-state" data-state={line.state}>
            {t(`workstation.verto.state.${line.state}`)}
          </Tag>
          <Button
            size="small"
            type="text"
            icon={<SettingOutlined />}
            aria-label={t('workstation.verto.devices')}
            aria-expanded={devicesOpen}
            onClick={() => setDevicesOpen((o) => !o)}
          />
        </Space>
      </Space>
      {help ? (
        <Alert
          type={line.state === 'loginFailed' || line.state === 'notConfigured' ? 'error' : 'warning'}
          showIcon
          message={help}
          data-testid="verto-help"
          action={
            line.state === 'loginFailed' || line.state === 'closed' ? (
              <Button size="small" onClick={line.retry}>
                {t('workstation.verto.retry')}
              </Button>
            ) : undefined
          }
        />
      ) : null}
      {line.mic === 'denied' || line.mic === 'missing' || line.mic === 'unsupported' ? (
        <Alert type="error" showIcon message={t(`workstation.verto.mic.${line.mic}`)} data-testid="mic-problem" />
      ) : null}
      {devicesOpen ? (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Typography.Text>{t('workstation.verto.input')}</Typography.Text>
          {deviceSelect(line.input, line.inputs, line.chooseInput, 'mic-select')}
          <Typography.Text>{t('workstation.verto.output')}</Typography.Text>
          {line.canChooseOutput ? (
            deviceSelect(line.output, line.outputs, line.chooseOutput, 'speaker-select')
          ) : (
            <Typography.Text type="secondary">{t('workstation.verto.outputUnsupported')}</Typography.Text>
          )}
        </Space>
      ) : null}
      {call?.state === 'active' ? (
        <Progress
          percent={line.level}
          showInfo={false}
          size="small"
          aria-label={t('workstation.verto.level')}
          data-testid="mic-level"
        />
      ) : null}
      {unmatched ? (
        <Space style={{ justifyContent: 'space-between', width: '100%' }} data-testid="verto-call" data-state={call.state}>
          <Typography.Text>
            {t('workstation.verto.lineCall')}
            {call.callerName ? ` · ${call.callerName}` : ''}
          </Typography.Text>
          <Tag color={call.state === 'active' ? 'blue' : call.state === 'failed' ? 'red' : 'default'}>
            {t(`workstation.verto.callState.${call.state}`)}
          </Tag>
        </Space>
      ) : null}
    </Space>
  );
}
