import { Button, DatePicker, Input, Space, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { WEEKDAYS } from '../../modules/projects/calling-hours';
import type { AgentScheduleValue, Shift } from '../../modules/tasks/schedule';

// Row keys for editable lists (crypto.randomUUID needs a secure context; plain HTTP intranets have none).
let keyCounter = 0;
const newKey = () => `k${++keyCounter}`;

export const shiftsText = (shifts: Shift[] | undefined) => (shifts ?? []).map((s) => `${s.from}-${s.to}`).join(', ');
export function parseShifts(text: string): Shift[] {
  return text
    .split(/[,，;\s]+/)
    .filter(Boolean)
    .map((part) => {
      const [from = '', to = ''] = part.split('-');
      return { from: from.padStart(5, '0'), to: to.padStart(5, '0') };
    });
}

/** The weekly grid (one row per weekday) and the dated exceptions of one agent's schedule. */
export function ScheduleEditor({ value, onChange }: { value: AgentScheduleValue; onChange: (v: AgentScheduleValue) => void }) {
  const { t } = useTranslation();
  const [texts, setTexts] = useState<Record<string, string>>(() =>
    Object.fromEntries(WEEKDAYS.map((d) => [d, shiftsText(value.weekly[d])])),
  );
  const setDay = (day: (typeof WEEKDAYS)[number], text: string) => {
    setTexts({ ...texts, [day]: text });
    onChange({ ...value, weekly: { ...value.weekly, [day]: parseShifts(text) } });
  };
  const exceptions = value.exceptions;
  // Stable row keys for the exception inputs (they keep their own text while typing).
  const [keys, setKeys] = useState(() => exceptions.map(() => newKey()));
  const setExceptions = (next: AgentScheduleValue['exceptions'], nextKeys = keys) => {
    setKeys(nextKeys);
    onChange({ ...value, exceptions: next });
  };
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Table
        rowKey="day"
        size="small"
        pagination={false}
        dataSource={WEEKDAYS.map((day) => ({ day }))}
        columns={[
          { title: t('tasks.agents.day'), dataIndex: 'day', width: 100, render: (d: string) => t(`tasks.weekdays.${d}`) },
          {
            title: t('tasks.agents.shifts'),
            dataIndex: 'day',
            render: (d: (typeof WEEKDAYS)[number]) => (
              <Input
                value={texts[d]}
                placeholder={t('tasks.agents.off')}
                onChange={(e) => setDay(d, e.target.value)}
                data-testid={`shift-${d}`}
              />
            ),
          },
        ]}
      />
      <Typography.Text strong>{t('tasks.agents.exceptions')}</Typography.Text>
      {exceptions.map((e, i) => (
        <Space key={keys[i]}>
          <DatePicker
            value={e.date ? dayjs(e.date) : null}
            onChange={(d) =>
              setExceptions(exceptions.map((x, j) => (j === i ? { ...x, date: d ? d.format('YYYY-MM-DD') : '' } : x)))
            }
          />
          <Input
            style={{ width: 220 }}
            placeholder={t('tasks.agents.off')}
            defaultValue={shiftsText(e.shifts)}
            onChange={(ev) =>
              setExceptions(exceptions.map((x, j) => (j === i ? { ...x, shifts: parseShifts(ev.target.value) } : x)))
            }
          />
          <Input
            style={{ width: 160 }}
            placeholder={t('tasks.agents.note')}
            value={e.note}
            onChange={(ev) => setExceptions(exceptions.map((x, j) => (j === i ? { ...x, note: ev.target.value } : x)))}
          />
          <Button
            danger
            size="small"
            onClick={() =>
              setExceptions(
                exceptions.filter((_, j) => j !== i),
                keys.filter((_, j) => j !== i),
              )
            }
          >
            {t('tasks.form.remove')}
          </Button>
        </Space>
      ))}
      <Button
        size="small"
        onClick={() =>
          setExceptions([...exceptions, { date: dayjs().format('YYYY-MM-DD'), shifts: [], note: '' }], [...keys, newKey()])
        }
      >
        {t('tasks.agents.addException')}
      </Button>
    </Space>
  );
}
