import { describe, expect, it } from 'vitest';
import { FIXED_FIELDS } from '../lists/field-template';
import { changeProjectRules, createProject } from '../projects/projects.server';
import { dispositionLabels } from './disposition-labels.server';

const actor = { name: 'supervisor' };

describe('disposition labels in reports', () => {
  it('reads each code as its own project labels it, keeps a removed code’s old label, and falls back to the code', async () => {
    const a = await createProject(actor, { name: '回访 A', type: 'returnVisit', description: '', fields: FIXED_FIELDS });
    const b = await createProject(actor, { name: '回访 B', type: 'returnVisit', description: '', fields: FIXED_FIELDS });
    // Project B renames "refused"; project A later drops it from its tree.
    await changeProjectRules(actor, b.id, (r) => ({
      ...r,
      dispositions: r.dispositions.map((d) => ({
        ...d,
        children: d.children?.map((c) => (c.code === 'failure.refused' ? { ...c, label: { zh: '明确拒绝', en: 'Said no' } } : c)),
      })),
    }));
    await changeProjectRules(actor, a.id, (r) => ({
      ...r,
      dispositions: r.dispositions.map((d) => ({
        ...d,
        children: d.children?.filter((c) => c.code !== 'failure.refused'),
      })),
    }));
    const zh = await dispositionLabels([a.id, b.id], 'zh-CN');
    expect(zh(a.id, 'failure.refused')).toBe('失败 / 拒绝');
    expect(zh(b.id, 'failure.refused')).toBe('失败 / 明确拒绝');
    expect(zh(a.id, 'no.such.code')).toBe('no.such.code');
    const en = await dispositionLabels([b.id], 'en');
    expect(en(b.id, 'failure.refused')).toBe('Failure / Said no');
    expect(en(a.id, 'failure.refused')).toBe('failure.refused');
  });
});
