import { Descriptions, Drawer, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

export interface ContactDetailView {
  id: string;
  name: string;
  phoneMasked: string;
  secondaryPhoneMasked: string | null;
  values: { key: string; label: { zh: string; en: string }; value: string | null; sensitive: boolean }[];
  tags: { tag: string; source: string }[];
  status: string;
  dnc: boolean;
  consent: string | null;
  attempts: number;
  lastOutcome: string | null;
  createdAt: string;
}

const SOURCE_COLORS: Record<string, string> = { file: 'default', rule: 'blue', crm: 'purple', manual: 'gold' };

/** A contact at a glance: what the template holds (sensitive values masked), tags with where they came from. */
export function ContactDrawer({ contact, onClose }: { contact: ContactDetailView | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language !== 'en';
  return (
    <Drawer open={contact !== null} onClose={onClose} size="large" title={contact?.name} data-testid="contact-drawer">
      {contact ? (
        <Space orientation="vertical" size="large" style={{ width: '100%' }}>
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={t('lists.contacts.phone')}>
              <Typography.Text code>{contact.phoneMasked}</Typography.Text>
              {contact.secondaryPhoneMasked ? <Typography.Text code>{contact.secondaryPhoneMasked}</Typography.Text> : null}
            </Descriptions.Item>
            {contact.values.map((v) => (
              <Descriptions.Item key={v.key} label={zh ? v.label.zh : v.label.en}>
                {v.value ?? '—'}
                {v.sensitive ? <Tag style={{ marginLeft: 8 }}>{t('lists.rules.sensitive')}</Tag> : null}
              </Descriptions.Item>
            ))}
            <Descriptions.Item label={t('lists.contacts.status')}>
              {t(`lists.contacts.statuses.${contact.status}`)}
            </Descriptions.Item>
            <Descriptions.Item label={t('lists.contacts.dnc')}>
              {contact.dnc ? <Tag color="red">{t('lists.contacts.dnc')}</Tag> : t('common.no')}
            </Descriptions.Item>
            <Descriptions.Item label={t('lists.contacts.consent')}>
              {contact.consent ? t(`lists.contacts.consents.${contact.consent}`) : t('lists.contacts.consents.unknown')}
            </Descriptions.Item>
            <Descriptions.Item label={t('lists.contacts.attempts')}>{contact.attempts}</Descriptions.Item>
          </Descriptions>
          <div>
            <Typography.Title level={5}>{t('lists.contacts.tags')}</Typography.Title>
            {contact.tags.map((x) => (
              <Tag key={x.tag} color={SOURCE_COLORS[x.source]} data-testid={`tag-${x.tag}`}>
                {x.tag} · {t(`lists.contacts.tagSources.${x.source}`, { defaultValue: x.source })}
              </Tag>
            ))}
          </div>
          <Typography.Text type="secondary">{t('lists.contacts.historyLater')}</Typography.Text>
        </Space>
      ) : null}
    </Drawer>
  );
}
