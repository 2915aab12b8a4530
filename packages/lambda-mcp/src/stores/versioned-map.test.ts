// The versioned map both in-memory record stores extend, on a small record of its own: copies, conditional
// create, versioned update (a refused patch leaving the record as it was), expiry on every read, listing.
import { describe, expect, it } from 'vitest';
import { StoreConflictError } from '../errors.js';
import { VersionedMap } from './versioned-map.js';

interface Note {
  id: string;
  version: number;
  expiresAt: number;
  text: string;
  tags: string[];
}

type NotePatch = Partial<Pick<Note, 'text' | 'tags'>> | 'refuse';

/** Notes: a patch sets its fields, except `'refuse'`, which is refused; `asked` counts the patches seen. */
class Notes extends VersionedMap<Note, NotePatch> {
  asked = 0;

  listed(): string[] {
    return this.live().map((note) => note.id);
  }

  protected changes(_current: Readonly<Note>, patch: NotePatch): Partial<Note> {
    this.asked++;
    if (patch === 'refuse') throw new Error('refused');
    return patch;
  }
}

const note = (id: string, expiresAt = 10_000): Note => ({ id, version: 1, expiresAt, text: id, tags: [] });

function newNotes() {
  const clock = { t: 1000 };
  return { clock, notes: new Notes('Note', () => clock.t) };
}

describe('VersionedMap', () => {
  it('keeps copies: neither the created record nor a read one reaches the stored state', async () => {
    const { notes } = newNotes();
    const record = note('n-1');
    await notes.create(record);
    record.tags.push('after create');
    const read = (await notes.get('n-1')) as Note;
    expect(read).toEqual(note('n-1'));
    read.tags.push('after read');
    expect((await notes.get('n-1'))?.tags).toEqual([]);
  });

  it('refuses to create a live id, naming the record, and accepts it again once expired', async () => {
    const { notes, clock } = newNotes();
    await notes.create(note('n-1', 2000));
    const again = notes.create(note('n-1'));
    await expect(again).rejects.toBeInstanceOf(StoreConflictError);
    await expect(again).rejects.toThrow('Note n-1 exists already');
    clock.t = 2000;
    await notes.create({ ...note('n-1'), text: 'second' });
    expect((await notes.get('n-1'))?.text).toBe('second');
  });

  it('updates only at the expected version, bumping it and answering a copy', async () => {
    const { notes } = newNotes();
    await notes.create(note('n-1'));
    const patch = { text: 'edited', tags: ['a'] };
    const updated = await notes.update('n-1', 1, patch);
    expect(updated).toEqual({ ...note('n-1'), text: 'edited', tags: ['a'], version: 2 });
    updated?.tags.push('mutated');
    patch.tags.push('mutated');
    expect(await notes.get('n-1')).toEqual({ ...note('n-1'), text: 'edited', tags: ['a'], version: 2 });

    const stale = notes.update('n-1', 1, { text: 'stale' });
    await expect(stale).rejects.toBeInstanceOf(StoreConflictError);
    await expect(stale).rejects.toThrow('Note n-1 is at version 2, not 1');
    await expect(stale).rejects.toMatchObject({ current: await notes.get('n-1') });
    expect((await notes.get('n-1'))?.text).toBe('edited');
  });

  it('writes nothing when the store refuses the patch', async () => {
    const { notes } = newNotes();
    await notes.create(note('n-1'));
    await expect(notes.update('n-1', 1, 'refuse')).rejects.toThrow('refused');
    expect(await notes.get('n-1')).toEqual(note('n-1'));
  });

  it('treats an expired record as absent: no read, no update (the patch is not looked at), no delete', async () => {
    const { notes, clock } = newNotes();
    await notes.create(note('n-1', 2000));
    clock.t = 1999;
    expect(await notes.get('n-1')).toBeDefined();
    clock.t = 2000;
    expect(await notes.get('n-1')).toBeUndefined();
    expect(await notes.update('n-1', 1, { text: 'late' })).toBeUndefined();
    expect(notes.asked).toBe(0);
    expect(await notes.delete('n-1')).toBe(false);
  });

  it('deletes, answering whether a live record was there', async () => {
    const { notes } = newNotes();
    await notes.create(note('n-1'));
    expect(await notes.delete('n-1')).toBe(true);
    expect(await notes.get('n-1')).toBeUndefined();
    expect(await notes.delete('n-1')).toBe(false);
  });

  it('lists the live records in insertion order, dropping the expired ones', async () => {
    const { notes, clock } = newNotes();
    await notes.create(note('n-1', 5000));
    await notes.create(note('n-2', 2000));
    await notes.create(note('n-3', 5000));
    clock.t = 2000;
    expect(notes.listed()).toEqual(['n-1', 'n-3']);
    clock.t = 1000; // the expired record was dropped, not only hidden
    expect(await notes.get('n-2')).toBeUndefined();
  });
});
