import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router-dom';
import { ApiError, errorMessage } from '../api';
import { detailKey } from '../components/useRecordForm';
import { reviewsApi } from './reviewsApi';

/** "Create Post Case Review" on a case: creates it and opens it (or opens the one that exists). */
export function useCreateReview(caseNumber: string) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const open = (number: string) => navigate(`/reviews/${number}`, { state: { from: `/cases/${caseNumber}` } });
  return useMutation({
    mutationFn: () => reviewsApi.create(caseNumber),
    onSuccess: (r) => {
      qc.setQueryData(detailKey('reviews', r.number), r);
      qc.removeQueries({ queryKey: detailKey('cases', caseNumber) });
      void qc.invalidateQueries({ queryKey: ['cases', 'list'] });
      void qc.invalidateQueries({ queryKey: ['reviews', 'list'] });
      void qc.invalidateQueries({ queryKey: ['reviews', 'counts'] });
      notifications.show({ color: 'green', title: `Review ${r.number} created`, message: `From ${caseNumber}; the mapped case fields are filled in.` });
      open(r.number);
    },
    onError: (e) => {
      const existing = e instanceof ApiError && e.status === 409 ? (e.details as { reviewNumber?: string } | undefined)?.reviewNumber : undefined;
      void qc.invalidateQueries({ queryKey: ['cases'] });
      if (existing) {
        notifications.show({ color: 'blue', title: `${caseNumber} already has a review`, message: `Opened ${existing}.` });
        open(existing);
        return;
      }
      notifications.show({ color: 'red', title: 'Review not created', message: errorMessage(e) });
    },
  });
}
