import { Button, Card, Descriptions, List, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ContactProfile } from '../../modules/workstation/screen-pop.server';
import { ContactHistory } from './ContactHistory';

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
      <ContactHistory history={profile.history} answers={profile.answers} callbacks={profile.callbacks} />
    </Space>
  );
}
