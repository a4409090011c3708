import { Alert, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { TaskDialingStatus } from '../../modules/dialing/monitor.server';
import { formatDateTime } from '../../utils/format';

/** "Why isn't it dialing?": the dialer's latest word on a task and the gate's recent refusals. */
export function DialingWhy({ dialing, timeZone, testId }: { dialing: TaskDialingStatus; timeZone: string; testId?: string }) {
  const { t, i18n } = useTranslation();
  const { status, stale, refusals } = dialing;
  return (
    <Space orientation="vertical" size={2} data-testid={testId}>
      {stale ? <Alert type="warning" showIcon message={t('dialing.noDialer')} style={{ padding: '0 8px' }} /> : null}
      {status ? (
        <span>
          {t('dialing.level', {
            level: status.level,
            ready: status.readyAgents,
            busy: status.busyAgents,
            ringing: status.ringing,
          })}
          {' · '}
          {t(`dialing.reasons.${status.reason}`, { defaultValue: status.reason })}
        </span>
      ) : null}
      {status?.limits.map((l) => (
        <Tag key={l} color="orange">
          {t(`dialing.limits.${l}`, { defaultValue: t(`dialing.refusals.${l}`, { defaultValue: l }) })}
        </Tag>
      ))}
      {refusals.slice(0, 4).map((r) => (
        <Typography.Text key={r.reason} type="secondary" style={{ fontSize: 12 }}>
          {t(`dialing.refusals.${r.reason}`)}: {r.count}
          {r.until ? ` · ${t('dialing.until', { at: formatDateTime(r.until, timeZone, i18n.language) })}` : ''}
        </Typography.Text>
      ))}
    </Space>
  );
}
