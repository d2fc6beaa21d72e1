import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api';
import { casesApi, type Process, type Queue, type Status } from '../casesApi';
import { fetchAll, useAllGroups, useAllUsers } from '../components/useAll';

// Small lookups the case screens share, cached for a while: statuses, queues, processes, users,
// groups, and the resolution codes property.

export const useStatuses = () =>
  useQuery({ queryKey: ['statuses', 'list', 'all'], queryFn: async () => (await casesApi.statuses()).items, staleTime: 5 * 60_000 });

export const useAllQueues = () => useQuery({ queryKey: ['queues', 'list', 'all'], queryFn: () => fetchAll<Queue>('queues'), staleTime: 60_000 });

/** The queues the signed-in user belongs to, with their waiting counts (refreshed now and then). */
export const useMyQueues = () =>
  useQuery({
    queryKey: ['queues', 'list', 'mine'],
    queryFn: async () => (await api.list<Queue>('queues', { mine: 'true', active: 'true', limit: 200 })).items,
    staleTime: 30_000,
    refetchInterval: 60_000,
  });

export const useAllProcesses = () => useQuery({ queryKey: ['processes', 'list', 'all'], queryFn: () => fetchAll<Process>('processes'), staleTime: 60_000 });

export const useQueue = (id: number | null) =>
  useQuery({ queryKey: ['queues', 'detail', id], queryFn: () => api.get<Queue>('queues', id!), enabled: id !== null });

/** The resolution codes offered when resolving (property cases.resolutionCodes). */
export function useResolutionCodes() {
  const q = useQuery({ queryKey: ['properties'], queryFn: async () => (await casesApi.properties()).items, staleTime: 5 * 60_000 });
  const raw = q.data?.find((p) => p.key === 'cases.resolutionCodes')?.value;
  const codes = useMemo(
    () =>
      String(raw ?? '')
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean),
    [raw],
  );
  return { codes, query: q };
}

/** Names of users, groups, queues and statuses by id/key, for sentences and read-only fields. */
export function useNames() {
  const users = useAllUsers();
  const groups = useAllGroups();
  const queues = useAllQueues();
  const statuses = useStatuses();
  return useMemo(() => {
    const byId = <T extends { id: number; name: string }>(list: T[] | undefined) => new Map((list ?? []).map((r) => [r.id, r.name]));
    const u = byId(users.data);
    const g = byId(groups.data);
    const q = byId(queues.data);
    const s = new Map((statuses.data ?? []).map((r) => [r.key, r]));
    return {
      user: (id: number | null | undefined) => (id == null ? null : (u.get(id) ?? `User #${id}`)),
      group: (id: number | null | undefined) => (id == null ? null : (g.get(id) ?? `Group #${id}`)),
      queue: (id: number | null | undefined) => (id == null ? null : (q.get(id) ?? `Queue #${id}`)),
      status: (key: string | null | undefined) => (key == null ? null : (s.get(key) ?? null)),
      statusLabel: (key: string | null | undefined) => (key == null ? null : (s.get(key)?.label ?? key)),
    };
  }, [users.data, groups.data, queues.data, statuses.data]);
}
export type Names = ReturnType<typeof useNames>;

export type { Status };
