import { useCallback, useEffect, useMemo, useState } from 'react';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, errorMessage, type RecordKey } from '../api';

export interface VersionedRecord {
  id: number;
  version: number;
  /** Records that can be deactivated have it; others (statuses, cases) do not. */
  active?: boolean;
}

type Values = Record<string, unknown>;
export type FieldErrors<V> = Partial<Record<keyof V & string, string>>;

export interface RecordFormConfig<R extends VersionedRecord, V extends Values> {
  /** API collection, e.g. "accounts". */
  resource: string;
  /** The record to edit (its id, or its number for numbered records), or null to create one. */
  id: RecordKey | null;
  /** How a record is addressed after it is written (default: its id), e.g. a case by its number. */
  keyOf?: (r: R) => RecordKey;
  /** What a person calls it, e.g. "Account". */
  noun: string;
  empty: V;
  fromRecord: (r: R) => V;
  /** The POST body for a new record. */
  toCreate: (v: V) => Record<string, unknown>;
  /** The PATCH body for the changed keys only. */
  toPatch: (v: V, changed: (keyof V & string)[]) => Record<string, unknown>;
  /** Checks before sending; the server checks again. */
  validate?: (v: V, isNew: boolean) => FieldErrors<V>;
  /** API field names that are not form keys, e.g. { memberIds: 'members' }. */
  fieldAliases?: Record<string, keyof V & string>;
  /** A short name of the record for toasts. */
  describe?: (r: R) => string;
  onCreated?: (r: R) => void;
  onSaved?: (r: R) => void;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export const detailKey = (resource: string, id: RecordKey | null) => [resource, 'detail', id] as const;

/**
 * Form state for one record: values, field errors from the API, optimistic concurrency (If-Match),
 * and the 412 "changed by someone else" flow that reloads without losing what was typed.
 */
export function useRecordForm<R extends VersionedRecord, V extends Values>(cfg: RecordFormConfig<R, V>) {
  const qc = useQueryClient();
  const isNew = cfg.id === null;
  const key = detailKey(cfg.resource, cfg.id);

  const record = useQuery<R>({
    queryKey: key,
    queryFn: () => api.get<R>(cfg.resource, cfg.id!),
    enabled: !isNew,
  });

  const [baseline, setBaseline] = useState<R | null>(null);
  const [values, setValues] = useState<V>(cfg.empty);
  const [errors, setErrors] = useState<FieldErrors<V>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const [reloading, setReloading] = useState(false);

  // Take the record once when it first arrives; later refetches never overwrite what is being typed.
  useEffect(() => {
    if (!isNew && record.data && !baseline) {
      setBaseline(record.data);
      setValues(cfg.fromRecord(record.data));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [record.data, baseline, isNew]);

  const original = useMemo(() => (baseline ? cfg.fromRecord(baseline) : cfg.empty), [baseline]); // eslint-disable-line react-hooks/exhaustive-deps
  const changed = useMemo(
    () => (Object.keys(values) as (keyof V & string)[]).filter((k) => !same(values[k], original[k])),
    [values, original],
  );
  const dirty = isNew ? !same(values, cfg.empty) : changed.length > 0;

  const set = useCallback(<K extends keyof V & string>(k: K, v: V[K]) => {
    setValues((prev) => ({ ...prev, [k]: v }));
    setErrors((prev) => (prev[k] ? { ...prev, [k]: undefined } : prev));
  }, []);

  /** Shows an API error in the form; answers whether it landed next to fields. */
  const applyError = useCallback(
    (e: unknown): boolean => {
      if (e instanceof ApiError && e.status === 412) {
        setStale(true);
        setFormError(null);
        return false;
      }
      const fieldErrors: FieldErrors<V> = {};
      const unplaced: string[] = [];
      if (e instanceof ApiError) {
        for (const f of e.fields) {
          const k = (cfg.fieldAliases?.[f.field] ?? f.field) as keyof V & string;
          // A nested field ("stages.0.key") lands on its form key ("stages"), naming the rest.
          const [head, ...rest] = f.field.split('.');
          if (k in cfg.empty) {
            if (!fieldErrors[k]) fieldErrors[k] = capitalise(f.message);
          } else if (rest.length && head! in cfg.empty) {
            const hk = head as keyof V & string;
            if (!fieldErrors[hk]) fieldErrors[hk] = `${rest.join('.')}: ${f.message}`;
          } else unplaced.push(`${f.field}: ${f.message}`);
        }
      }
      setErrors(fieldErrors);
      const placed = Object.keys(fieldErrors).length > 0;
      setFormError(placed ? (unplaced.length ? unplaced.join('; ') : null) : errorMessage(e));
      return placed;
    },
    [cfg.empty, cfg.fieldAliases],
  );

  const afterWrite = (r: R) => {
    qc.setQueryData(detailKey(cfg.resource, cfg.keyOf ? cfg.keyOf(r) : r.id), r);
    void qc.invalidateQueries({ queryKey: [cfg.resource, 'list'] });
    setBaseline(r);
    setValues(cfg.fromRecord(r));
    setErrors({});
    setFormError(null);
    setStale(false);
  };

  const label = (r: R) => (cfg.describe ? cfg.describe(r) : cfg.noun);

  const save = useMutation({
    mutationFn: async () => {
      if (isNew) return api.create<R>(cfg.resource, cfg.toCreate(values));
      return api.update<R>(cfg.resource, cfg.id!, baseline!.version, cfg.toPatch(values, changed));
    },
    onSuccess: (r) => {
      afterWrite(r);
      notifications.show({
        color: 'green',
        title: isNew ? `${cfg.noun} created` : `${cfg.noun} saved`,
        message: label(r),
      });
      if (isNew) cfg.onCreated?.(r);
      else cfg.onSaved?.(r);
    },
    onError: (e) => {
      const placed = applyError(e);
      const stale = e instanceof ApiError && e.status === 412;
      notifications.show({
        color: stale ? 'yellow' : 'red',
        title: stale ? 'Not saved' : `Could not save the ${cfg.noun.toLowerCase()}`,
        message: stale ? 'This record was changed by someone else' : placed ? 'Check the fields marked in red.' : errorMessage(e),
      });
    },
  });

  /** Takes a record another write answered (an action, a toggle), keeping what was typed but not saved. */
  const adopt = (r: R) => {
    const typed = Object.fromEntries(changed.map((k) => [k, values[k]]));
    afterWrite(r);
    setValues({ ...cfg.fromRecord(r), ...typed });
  };

  const setActive = useMutation({
    mutationFn: (active: boolean) => api.update<R>(cfg.resource, cfg.id!, baseline!.version, { active }),
    onSuccess: (r) => {
      adopt(r);
      notifications.show({
        color: 'green',
        title: r.active ? `${cfg.noun} reactivated` : `${cfg.noun} deactivated`,
        message: label(r),
      });
      cfg.onSaved?.(r);
    },
    onError: (e) => {
      applyError(e);
      const stale = e instanceof ApiError && e.status === 412;
      notifications.show({ color: stale ? 'yellow' : 'red', title: 'Not changed', message: stale ? 'This record was changed by someone else' : errorMessage(e) });
    },
  });

  /** Takes the newest version from the server, keeping every value the person changed. */
  const reload = useCallback(async () => {
    if (isNew) return;
    setReloading(true);
    try {
      const fresh = await qc.fetchQuery({ queryKey: key, queryFn: () => api.get<R>(cfg.resource, cfg.id!), staleTime: 0 });
      const typed = Object.fromEntries(changed.map((k) => [k, values[k]]));
      setBaseline(fresh);
      setValues({ ...cfg.fromRecord(fresh), ...typed });
      setStale(false);
      setFormError(null);
      notifications.show({
        color: 'blue',
        title: 'Reloaded',
        message: changed.length ? 'Took the latest version; your changes are kept. Review and save again.' : 'Took the latest version.',
      });
    } catch (e) {
      notifications.show({ color: 'red', title: 'Could not reload', message: errorMessage(e) });
    } finally {
      setReloading(false);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [isNew, changed, values, cfg.id, cfg.resource]);

  /** Checks the values locally; marks the fields and answers false when something is wrong. */
  const checkLocally = () => {
    const local = cfg.validate?.(values, isNew) ?? {};
    const bad = Object.entries(local).filter(([, m]) => !!m);
    if (bad.length) {
      setErrors(local);
      setFormError(null);
      return false;
    }
    return true;
  };

  const submit = (e?: React.FormEvent) => {
    e?.preventDefault();
    if (!checkLocally()) return;
    if (!isNew && !dirty) {
      notifications.show({ color: 'gray', title: 'Nothing to save', message: 'You have not changed anything.' });
      return;
    }
    save.mutate();
  };

  /**
   * Saves pending changes before another step (e.g. the next stage). Answers the record to go on
   * with (the saved one, or the one read when nothing changed), or null when the save failed.
   */
  const saveIfDirty = async (): Promise<R | null> => {
    if (!dirty) return baseline;
    if (!checkLocally()) return null;
    try {
      return await save.mutateAsync();
    } catch {
      return null; // the mutation's onError already showed why
    }
  };

  return {
    isNew,
    record: baseline,
    loading: !isNew && !baseline && record.isPending,
    loadError: !isNew && !baseline ? record.error : null,
    values,
    set,
    errors,
    formError,
    stale,
    reloading,
    reload,
    dirty,
    changed,
    submit,
    saveIfDirty,
    adopt,
    /** Marks fields as wrong, e.g. the fields a stage still needs. */
    markFields: (marks: FieldErrors<V>) => setErrors((prev) => ({ ...prev, ...marks })),
    /** Shows an error from another write (an action) like a save error: 412 → the Reload banner. */
    showError: applyError,
    saving: save.isPending,
    setActive: (active: boolean) => setActive.mutate(active),
    togglingActive: setActive.isPending,
  };
}

export type RecordForm<V extends Values> = ReturnType<typeof useRecordForm<VersionedRecord, V>>;

function capitalise(s: string) {
  return s ? s[0]!.toUpperCase() + s.slice(1) : s;
}

/** Fields sent exactly as typed (never trimmed). */
const RAW = new Set(['password']);

/** Builds a PATCH body from changed keys; empty strings of nullable fields become null. */
export function pickChanged<V extends Values>(v: V, changed: (keyof V & string)[], nullable: (keyof V & string)[] = []) {
  const out: Record<string, unknown> = {};
  for (const k of changed) {
    const val = v[k];
    if (typeof val === 'string' && !RAW.has(k)) out[k] = nullable.includes(k) && val.trim() === '' ? null : val.trim();
    else out[k] = val;
  }
  return out;
}

/** Builds a POST body, leaving out empty optional strings. */
export function compact(v: Record<string, unknown>) {
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) {
    if (typeof val === 'string') {
      if (val.trim() !== '') out[k] = RAW.has(k) ? val : val.trim();
    } else if (val !== undefined && val !== null) out[k] = val;
  }
  return out;
}
