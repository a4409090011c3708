import { EditOutlined } from '@ant-design/icons';
import { Button, Descriptions, Drawer, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldDef } from '../../modules/lists/field-template';
import type { ContactProfile } from '../../modules/workstation/screen-pop.server';
import { ContactHistory } from '../workstation/ContactHistory';
import { ContactForm } from './ContactForm';

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
  /** The edit form's starting values; phones and sensitive values only masked. */
  form: { data: Record<string, unknown>; kept: Record<string, string> };
  /** Calls, answers and callbacks so far (the same story the agent's screen-pop shows). */
  story?: Pick<ContactProfile, 'history' | 'answers' | 'callbacks'> | null;
}

const SOURCE_COLORS: Record<string, string> = { file: 'default', rule: 'blue', crm: 'purple', manual: 'gold' };

/**
 * A contact at a glance: what the template holds (sensitive values masked), tags with where they
 * came from; for those who may edit contacts, the template's form to change it.
 */
export function ContactDrawer({
  contact,
  onClose,
  edit,
}: {
  contact: ContactDetailView | null;
  onClose: () => void;
  edit?: { projectId: string; fields: FieldDef[]; onSaved: (id: string) => void };
}) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language !== 'en';
  const [editing, setEditing] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: another contact opens in view mode
  useEffect(() => setEditing(false), [contact?.id]);
  return (
    <Drawer
      open={contact !== null}
      onClose={onClose}
      size="large"
      title={contact?.name}
      data-testid="contact-drawer"
      extra={
        edit && contact ? (
          editing ? (
            <Button onClick={() => setEditing(false)} data-testid="cancel-edit">
              {t('common.cancel')}
            </Button>
          ) : (
            <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="edit-contact">
              {t('lists.contacts.edit')}
            </Button>
          )
        ) : null
      }
    >
      {contact && edit && editing ? (
        <ContactForm
          key={contact.id}
          projectId={edit.projectId}
          fields={edit.fields}
          contactId={contact.id}
          initial={contact.form.data}
          kept={contact.form.kept}
          onSaved={(id) => {
            setEditing(false);
            edit.onSaved(id);
          }}
        />
      ) : contact ? (
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
          {contact.story ? <ContactHistory {...contact.story} /> : null}
        </Space>
      ) : null}
    </Drawer>
  );
}
