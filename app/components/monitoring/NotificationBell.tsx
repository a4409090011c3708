import { BellOutlined } from '@ant-design/icons';
import { Link, useFetcher } from '@remix-run/react';
import { Badge, Button, Empty, List, Popover, Space, Tag, Typography } from 'antd';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';

interface Notifications {
  unread: number;
  latest: {
    id: string;
    severity: string;
    title: string;
    body: string;
    link: string | null;
    createdAt: string;
    readAt: string | null;
  }[];
}

const SEVERITY_COLORS: Record<string, string> = { info: 'blue', warning: 'orange', critical: 'red' };

/** The header's bell for users who watch monitoring: unread alerts, refreshed by live alert events. */
export function NotificationBell() {
  const { t } = useTranslation();
  const fetcher = useFetcher<Notifications>();
  const marker = useFetcher();
  const load = useRef(fetcher.load);
  load.current = fetcher.load;
  useEffect(() => {
    const reload = () => load.current('/monitoring/notifications');
    reload();
    const source = new EventSource('/live/monitoring');
    source.addEventListener('alert', reload);
    const poll = setInterval(reload, 30_000);
    return () => {
      source.close();
      clearInterval(poll);
    };
  }, []);
  // A mark-read finished: fetch the count again.
  useEffect(() => {
    if (marker.state === 'idle' && marker.data) load.current('/monitoring/notifications');
  }, [marker.state, marker.data]);
  const data = fetcher.data;
  const content = (
    <div style={{ width: 340 }}>
      {data?.latest.length ? (
        <List
          size="small"
          dataSource={data.latest}
          renderItem={(n) => (
            <List.Item data-testid="bell-item">
              <Space orientation="vertical" size={0}>
                <Space size={4}>
                  <Tag color={SEVERITY_COLORS[n.severity]}>{t(`monitoring.severities.${n.severity}`)}</Tag>
                  <Typography.Text strong={!n.readAt}>{n.title}</Typography.Text>
                </Space>
                <Typography.Text type="secondary">{n.body}</Typography.Text>
              </Space>
            </List.Item>
          )}
        />
      ) : (
        <Empty description={t('monitoring.noNotifications')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
      )}
      <Space style={{ width: '100%', justifyContent: 'space-between', marginTop: 8 }}>
        <Link to="/monitoring/alerts">{t('monitoring.allAlerts')}</Link>
        <Button
          size="small"
          disabled={!data?.unread}
          data-testid="bell-read"
          onClick={() => marker.submit(null, { method: 'post', action: '/monitoring/notifications' })}
        >
          {t('monitoring.markRead')}
        </Button>
      </Space>
    </div>
  );
  return (
    <Popover content={content} title={t('monitoring.notifications')} trigger="click" placement="bottomRight">
      <Badge count={data?.unread ?? 0} size="small" data-testid="bell-count" title={String(data?.unread ?? 0)}>
        <Button
          type="text"
          shape="circle"
          icon={<BellOutlined />}
          aria-label={t('monitoring.notifications')}
          data-testid="bell"
        />
      </Badge>
    </Popover>
  );
}
