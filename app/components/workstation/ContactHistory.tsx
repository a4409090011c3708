import { Collapse, Descriptions, Empty, List, Table } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { ContactProfile } from '../../modules/workstation/screen-pop.server';

type History = Pick<ContactProfile, 'history' | 'answers' | 'callbacks'>;

/** A contact's story: earlier calls with their dispositions, earlier answers, open callbacks. */
export function ContactHistory({ history, answers, callbacks }: History) {
  const { t } = useTranslation();
  return (
    <Collapse
      size="small"
      defaultActiveKey={callbacks.length ? ['callbacks', 'history'] : ['history']}
      items={[
        {
          key: 'history',
          label: `${t('workstation.profile.history')} (${history.length})`,
          children: history.length ? (
            <Table
              size="small"
              rowKey="id"
              pagination={false}
              dataSource={history}
              columns={[
                {
                  title: t('workstation.profile.when'),
                  dataIndex: 'at',
                  render: (v: string) => dayjs(v).format('MM-DD HH:mm'),
                },
                {
                  title: t('workstation.profile.result'),
                  dataIndex: 'result',
                  render: (v: string | null) => (v ? t(`workstation.result.${v}`, { defaultValue: v }) : '—'),
                },
                {
                  title: t('workstation.profile.disposition'),
                  dataIndex: 'disposition',
                  render: (v: string | null) => v ?? '—',
                },
                { title: t('workstation.profile.agent'), dataIndex: 'agent', render: (v: string | null) => v ?? '—' },
                { title: t('workstation.profile.notes'), dataIndex: 'notes', ellipsis: true },
              ]}
            />
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('workstation.profile.firstCall')} />
          ),
        },
        {
          key: 'answers',
          label: `${t('workstation.profile.answers')} (${answers.length})`,
          children: answers.length ? (
            answers.map((r) => (
              <Descriptions
                key={r.id}
                size="small"
                column={1}
                title={`${dayjs(r.at).format('YYYY-MM-DD HH:mm')} · ${t(`workstation.channel.${r.channel}`, { defaultValue: r.channel })}`}
                items={r.answered.map((a) => ({ key: a.nodeId, label: a.text, children: a.answer }))}
              />
            ))
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
          ),
        },
        {
          key: 'callbacks',
          label: `${t('workstation.profile.callbacks')} (${callbacks.length})`,
          children: callbacks.length ? (
            <List
              size="small"
              dataSource={callbacks}
              renderItem={(c) => (
                <List.Item>
                  {dayjs(c.dueAt).format('MM-DD HH:mm')} · {c.agent ?? t('workstation.callbacks.pool')} {c.note}
                </List.Item>
              )}
            />
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
          ),
        },
      ]}
    />
  );
}
