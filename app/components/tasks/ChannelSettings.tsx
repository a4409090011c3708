import { Card, Col, Form, Input, InputNumber, Row, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { type Channel, ROBOT_MAX_LINES, ROBOT_QUESTION_TYPES, TRANSFER_RULES } from '../../modules/tasks/task-schema';

type Option = { value: string; label: string };

/** The robot's and the online link's settings in the task form; nothing for the agent channel. */
export function ChannelSettings({
  channel,
  groupOptions,
  notifiers,
}: {
  channel: Channel;
  groupOptions: Option[];
  notifiers: { installationId: string; name: string }[];
}) {
  const { t } = useTranslation();
  return (
    <>
      {channel === 'robot' ? (
        <Card size="small" title={t('tasks.form.robot')} style={{ marginBottom: 16 }}>
          <Row gutter={16}>
            {ROBOT_QUESTION_TYPES.map((q) => (
              <Col span={12} key={q}>
                <Form.Item name={['robot', 'prompts', q]} label={t('tasks.form.prompt', { type: t(`tasks.questionTypes.${q}`) })}>
                  <Input />
                </Form.Item>
              </Col>
            ))}
          </Row>
          <Row gutter={16}>
            <Col span={6}>
              <Form.Item name={['robot', 'maxRetries']} label={t('tasks.form.maxRetries')}>
                <InputNumber min={0} max={5} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name={['robot', 'lines']} label={t('tasks.form.robotLines')} tooltip={t('tasks.form.robotLinesHelp')}>
                <InputNumber min={1} max={ROBOT_MAX_LINES} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name={['robot', 'transferRule']} label={t('tasks.form.transferRule')}>
                <Select
                  optionFilterProp="label"
                  options={TRANSFER_RULES.map((r) => ({ value: r, label: t(`tasks.transfer.${r}`) }))}
                />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name={['robot', 'transferSkillGroupId']} label={t('tasks.form.transferGroup')}>
                <Select optionFilterProp="label" allowClear options={groupOptions} />
              </Form.Item>
            </Col>
          </Row>
        </Card>
      ) : null}

      {channel === 'online' ? (
        <Card size="small" title={t('tasks.form.online')} style={{ marginBottom: 16 }}>
          <Form.Item name={['online', 'notifyInstallationId']} label={t('tasks.form.notifyPlugin')}>
            <Select
              optionFilterProp="label"
              allowClear
              placeholder={notifiers.length ? undefined : t('tasks.form.noNotifier')}
              options={notifiers.map((n) => ({ value: n.installationId, label: n.name }))}
            />
          </Form.Item>
          <Form.Item name={['online', 'template']} label={t('tasks.form.template')} extra={t('tasks.form.templateHelp')}>
            <Input.TextArea rows={2} />
          </Form.Item>
          <Form.Item name={['online', 'linkValidDays']} label={t('tasks.form.linkValidDays')}>
            <InputNumber min={1} max={90} />
          </Form.Item>
        </Card>
      ) : null}
    </>
  );
}
