// Compares two inventories of the same resource type: what was added, what was removed and what changed
// (state, name, details, tags), field by field. Pure: no AWS calls, no clock.
import type { DetailValue, Resource } from './inventory.js';

/** One field that differs between two polls of the same resource. */
export interface FieldChange {
  /** `state`, `name`, `details.<key>` or `tags.<key>`. */
  field: string;
  /** `null` when the field was absent before (or is absent now, for `after`). */
  before: DetailValue;
  after: DetailValue;
}

/** A resource present in both inventories whose fields differ. */
export interface ChangedResource {
  before: Resource;
  after: Resource;
  changes: FieldChange[];
}

/** The difference between two inventories; each list is in the order of the inventory it comes from. */
export interface InventoryDiff {
  added: Resource[];
  removed: Resource[];
  changed: ChangedResource[];
}

/**
 * Diffs `before` against `after`, matching resources by `id`. Tags are compared only when both polls read
 * them, so a poll without a tag filter never reports tags as removed.
 *
 * @example
 * const { added, removed, changed } = diffInventories(previous, current);
 */
export function diffInventories(before: readonly Resource[], after: readonly Resource[]): InventoryDiff {
  const previous = new Map(before.map((resource) => [resource.id, resource]));
  const current = new Set(after.map((resource) => resource.id));
  const diff: InventoryDiff = { added: [], removed: [], changed: [] };
  for (const resource of after) {
    const old = previous.get(resource.id);
    if (!old) {
      diff.added.push(resource);
      continue;
    }
    const changes = fieldChanges(old, resource);
    if (changes.length > 0) diff.changed.push({ before: old, after: resource, changes });
  }
  for (const resource of before) if (!current.has(resource.id)) diff.removed.push(resource);
  return diff;
}

/** Whether the diff holds no change at all. */
export function isEmptyDiff(diff: InventoryDiff): boolean {
  return diff.added.length === 0 && diff.removed.length === 0 && diff.changed.length === 0;
}

/** The fields of one resource that differ between two polls, in a stable order. */
export function fieldChanges(before: Resource, after: Resource): FieldChange[] {
  const changes: FieldChange[] = [];
  if (before.state !== after.state)
    changes.push({ field: 'state', before: before.state, after: after.state });
  if (before.name !== after.name) changes.push({ field: 'name', before: before.name, after: after.name });
  changes.push(...recordChanges('details', before.details, after.details));
  if (before.tags && after.tags) changes.push(...recordChanges('tags', before.tags, after.tags));
  return changes;
}

function recordChanges(
  prefix: string,
  before: Record<string, DetailValue>,
  after: Record<string, DetailValue>,
): FieldChange[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changes: FieldChange[] = [];
  for (const key of keys) {
    const old = before[key] ?? null;
    const now = after[key] ?? null;
    if (old !== now) changes.push({ field: `${prefix}.${key}`, before: old, after: now });
  }
  return changes;
}
