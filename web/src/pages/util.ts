import { useQuery } from '@tanstack/react-query';
import { useLocation, useNavigate, useParams } from 'react-router-dom';
import { api } from '../api';
import { detailKey } from '../components/useRecordForm';

/** A route's :id: undefined (none), "new", or a record id. */
export function parseId(id: string | undefined): number | 'new' | undefined {
  if (id === undefined) return undefined;
  if (id === 'new') return 'new';
  const n = Number(id);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** The drawer title: "New …" or the open record's name (shares the form's query). */
export function useDrawerTitle<R>(resource: string, id: number | 'new' | undefined, nameOf: (r: R) => string, newTitle: string, fallback: string) {
  const q = useQuery<R>({
    queryKey: detailKey(resource, typeof id === 'number' ? id : null),
    queryFn: () => api.get<R>(resource, id as number),
    enabled: typeof id === 'number',
  });
  if (id === 'new') return newTitle;
  return q.data ? nameOf(q.data) : fallback;
}

/** A list page whose route names the open record (/base/:id?): which one, and how to close it. */
export function useDrawerRoute(base: string) {
  const { id } = useParams();
  const navigate = useNavigate();
  const { search } = useLocation();
  const recordId = parseId(id);
  return {
    recordId,
    selectedId: typeof recordId === 'number' ? recordId : null,
    close: () => navigate({ pathname: base, search }),
  };
}
export type DrawerRoute = ReturnType<typeof useDrawerRoute>;
