import { LogoutOutlined, PauseCircleOutlined, PlayCircleOutlined } from '@ant-design/icons';
import { Button, Dropdown, Space, Statistic, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { clock, elapsedSec } from './useAgentLive';

export interface AgentStateView {
  state: string;
  since: string;
  pauseReason: string | null;
  attemptId: string | null;
}

const COLORS: Record<string, string> = {
  ready: 'green',
  reserved: 'gold',
  talking: 'blue',
  wrapUp: 'purple',
  paused: 'orange',
  offline: 'default',
};

interface Props {
  presence: AgentStateView;
  now: number;
  reasons: { code: string; label: string }[];
  counters: { calls: number; connects: number; successes: number; talkSec: number };
  busy: boolean;
  onChange(intent: 'ready' | 'pause' | 'logout', reason?: string): void;
}

/** Ready / pause with a reason / logout, the time in the current state, and today's counters. */
export function StateBar({ presence, now, reasons, counters, busy, onChange }: Props) {
  const { t } = useTranslation();
  const onCall = presence.state === 'reserved' || presence.state === 'talking';
  const reason = presence.state === 'paused' ? reasons.find((r) => r.code === presence.pauseReason)?.label : undefined;
  return (
    <Space size="large" wrap style={{ width: '100%', justifyContent: 'space-between' }}>
      <Space>
        <Tag
          color={COLORS[presence.state]}
          data-testid="agent-state"
          data-state={presence.state}
          style={{ fontSize: 14, padding: '2px 10px' }}
        >
          {t(`workstation.state.${presence.state}`)}
          {reason ? ` · ${reason}` : ''}
        </Tag>
        <Typography.Text type="secondary" data-testid="state-timer" aria-label={t('workstation.timeInState')}>
          {clock(elapsedSec(presence.since, now))}
        </Typography.Text>
        <Tooltip title="Alt+R">
          <Button
            type="primary"
            icon={<PlayCircleOutlined />}
            disabled={busy || onCall || presence.state === 'ready'}
            onClick={() => onChange('ready')}
            data-testid="go-ready"
          >
            {t('workstation.ready')}
          </Button>
        </Tooltip>
        <Dropdown
          disabled={busy || onCall}
          menu={{ items: reasons.map((r) => ({ key: r.code, label: r.label })), onClick: ({ key }) => onChange('pause', key) }}
        >
          <Button icon={<PauseCircleOutlined />} data-testid="pause">
            {t('workstation.pause')}
          </Button>
        </Dropdown>
        <Button icon={<LogoutOutlined />} disabled={busy || onCall} onClick={() => onChange('logout')}>
          {t('workstation.signOut')}
        </Button>
      </Space>
      <Space size="large">
        <Statistic title={t('workstation.counters.calls')} value={counters.calls} styles={{ content: { fontSize: 16 } }} />
        <Statistic title={t('workstation.counters.connects')} value={counters.connects} styles={{ content: { fontSize: 16 } }} />
        <Statistic
          title={t('workstation.counters.successes')}
          value={counters.successes}
          styles={{ content: { fontSize: 16 } }}
        />
        <Statistic
          title={t('workstation.counters.talk')}
          value={clock(counters.talkSec)}
          styles={{ content: { fontSize: 16 } }}
        />
      </Space>
    </Space>
  );
}
