// Unit tests of the inventory diff: added, removed and changed resources, the changed fields, and tags
// compared only when both polls read them.
import { describe, expect, it } from 'vitest';
import { diffInventories, fieldChanges, isEmptyDiff } from './diff.js';
import type { Resource } from './inventory.js';

function table(
  name: string,
  state = 'ACTIVE',
  details: Resource['details'] = {},
  tags?: Record<string, string>,
) {
  const resource: Resource = { id: `arn:table/${name}`, name, type: 'DynamoDB', state, details };
  if (tags) resource.tags = tags;
  return resource;
}

describe('diffInventories', () => {
  it('finds nothing between equal inventories, whatever their order', () => {
    const a = [table('a', 'ACTIVE', { itemCount: 1 }), table('b')];
    const diff = diffInventories(a, [...a].reverse());
    expect(isEmptyDiff(diff)).toBe(true);
    expect(diff).toEqual({ added: [], removed: [], changed: [] });
  });

  it('reports added and removed resources by id', () => {
    const diff = diffInventories([table('a'), table('b')], [table('b'), table('c')]);
    expect(diff.added.map((r) => r.name)).toEqual(['c']);
    expect(diff.removed.map((r) => r.name)).toEqual(['a']);
    expect(diff.changed).toEqual([]);
    expect(isEmptyDiff(diff)).toBe(false);
  });

  it('reports state and detail changes field by field, absent values as null', () => {
    const before = table('a', 'CREATING', { itemCount: 0, billingMode: 'PROVISIONED' });
    const after = table('a', 'ACTIVE', { itemCount: 3, streamEnabled: true });
    const diff = diffInventories([before], [after]);
    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual([]);
    expect(diff.changed).toEqual([
      {
        before,
        after,
        changes: [
          { field: 'state', before: 'CREATING', after: 'ACTIVE' },
          { field: 'details.billingMode', before: 'PROVISIONED', after: null },
          { field: 'details.itemCount', before: 0, after: 3 },
          { field: 'details.streamEnabled', before: null, after: true },
        ],
      },
    ]);
  });

  it('reports a renamed resource (same id, new name)', () => {
    const before: Resource = { id: 'i-1', name: 'web', type: 'EC2', state: 'running', details: {}, tags: {} };
    const after: Resource = { ...before, name: 'api', tags: { Name: 'api' } };
    expect(fieldChanges(before, after)).toEqual([
      { field: 'name', before: 'web', after: 'api' },
      { field: 'tags.Name', before: null, after: 'api' },
    ]);
  });

  it('compares tags only when both polls read them', () => {
    const withTags = table('a', 'ACTIVE', {}, { team: 'x' });
    const withoutTags = table('a');
    expect(isEmptyDiff(diffInventories([withTags], [withoutTags]))).toBe(true);
    expect(fieldChanges(withTags, table('a', 'ACTIVE', {}, { team: 'y' }))).toEqual([
      { field: 'tags.team', before: 'x', after: 'y' },
    ]);
  });

  it('handles empty inventories', () => {
    expect(diffInventories([], []).added).toEqual([]);
    expect(diffInventories([], [table('a')]).added).toHaveLength(1);
    expect(diffInventories([table('a')], []).removed).toHaveLength(1);
  });
});
