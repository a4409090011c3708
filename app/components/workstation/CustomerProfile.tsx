import { Button, Card, Collapse, Descriptions, Empty, List, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { ContactProfile } from '../../modules/workstation/screen-pop.server';

interface Props {
  profile: ContactProfile;
  /** Sales: send a product's link to the customer (the call in hand). */
  onSendLink?: (productId: string) => void;
  linksSent?: string[];
}

/** The customer on screen: template fields for agents (sensitive masked), tags, history, answers, callbacks, products. */
export function CustomerProfile({ profile, onSendLink, linksSent = [] }: Props) {
  const { t } = useTranslation();
  const { contact } = profile;
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="customer-profile">
      <Card
        size="small"
        title={
          <Space>
            <span data-testid="customer-name">{contact.name}</span>
            <Typography.Text data-testid="customer-phone">{contact.phoneMasked}</Typography.Text>
          </Space>
        }
        extra={<Typography.Text type="secondary">{profile.project.name}</Typography.Text>}
      >
        <Space wrap style={{ marginBottom: 8 }} data-testid="customer-tags">
          {contact.tags.map((tag) => (
            <Tag key={tag.tag} color={tag.color}>
              {tag.tag}
            </Tag>
          ))}
        </Space>
        <Descriptions
          size="small"
          column={2}
          items={contact.fields.map((f) => ({ key: f.key, label: f.label, children: f.value ?? '—' }))}
        />
      </Card>
      {profile.products.length ? (
        <Card size="small" title={t('workstation.products.title')} data-testid="products">
          <List
            size="small"
            dataSource={profile.products}
            renderItem={(p, i) => (
              <List.Item
                actions={
                  onSendLink && p.link
                    ? [
                        <Button key="send" size="small" disabled={linksSent.includes(p.id)} onClick={() => onSendLink(p.id)}>
                          {linksSent.includes(p.id) ? t('workstation.products.sent') : t('workstation.products.sendLink')}
                        </Button>,
                      ]
                    : []
                }
              >
                <List.Item.Meta
                  title={
                    <Space>
                      <Tag color={i === 0 ? 'gold' : 'default'}>{i + 1}</Tag>
                      {p.name}
                      <Typography.Text type="secondary">¥{p.price}</Typography.Text>
                    </Space>
                  }
                  description={p.description}
                />
              </List.Item>
            )}
          />
        </Card>
      ) : null}
      <Collapse
        size="small"
        defaultActiveKey={profile.callbacks.length ? ['callbacks', 'history'] : ['history']}
        items={[
          {
            key: 'history',
            label: `${t('workstation.profile.history')} (${profile.history.length})`,
            children: profile.history.length ? (
              <Table
                size="small"
                rowKey="id"
                pagination={false}
                dataSource={profile.history}
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
            label: `${t('workstation.profile.answers')} (${profile.answers.length})`,
            children: profile.answers.length ? (
              profile.answers.map((r) => (
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
            label: `${t('workstation.profile.callbacks')} (${profile.callbacks.length})`,
            children: profile.callbacks.length ? (
              <List
                size="small"
                dataSource={profile.callbacks}
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
    </Space>
  );
}
