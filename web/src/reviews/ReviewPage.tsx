import { useEffect } from 'react';
import { Alert, Anchor, Box, Center, Grid, Loader, Stack, Text, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { ApiError, errorMessage } from '../api';
import { FormShell } from '../components/RecordDrawer';
import { detailKey, useRecordForm } from '../components/useRecordForm';
import { MarkdownField } from './MarkdownField';
import { ReviewActivity } from './ReviewActivity';
import { ReviewBanners, ReviewHeader } from './ReviewHeader';
import { emptyReview, reviewPatchBody, reviewValuesOf, validateReview, type ReviewForm, type ReviewValues } from './reviewForm';
import { REVIEW_FIELD_LABELS, REVIEW_TEXT_FIELDS, type Review } from './reviewsApi';
import { ReviewSidePanels } from './ReviewSidePanels';
import { useReviewAction, useReviewRefresh } from './useReviewAction';
import './reviews.css';

// The post case review form at /reviews/:number (SPEC §7, UI.md "Review form").

const HELP: Partial<Record<keyof typeof REVIEW_FIELD_LABELS, string>> = {
  summary: 'A summary of the issue.',
  symptoms: 'What the customer saw: specific symptoms or problems.',
  affectedAssets: 'The assets affected.',
  rootCause: 'Why it happened.',
  solution: 'What was done to resolve it.',
  preventiveMeasures: 'What now prevents it from happening again.',
};

function ReviewFields({ form }: { form: ReviewForm }) {
  const review = form.record!;
  const ro = !review.editable;
  return (
    <FormShell
      ariaLabel={`Fields of ${review.number}`}
      onSubmit={form.submit}
      formError={form.formError}
      stale={form.stale}
      reloading={form.reloading}
      onReload={form.reload}
      footer={
        <Text size="xs" c="dimmed">
          {ro ? (review.state === 'awaiting_approval' ? 'Read only until the approvers decide.' : review.state === 'published' ? 'Published: reopen it to make changes.' : 'Read only.') : 'Markdown: **bold**, _italic_, lists and links. Save keeps the changes; Preview shows the document.'}
        </Text>
      }
    >
      <TextInput
        label="Short description"
        required
        value={form.values.shortDescription}
        onChange={(e) => form.set('shortDescription', e.currentTarget.value)}
        readOnly={ro}
        variant={ro ? 'filled' : 'default'}
        error={form.errors.shortDescription}
        maxLength={300}
      />
      {REVIEW_TEXT_FIELDS.map((f) => (
        <MarkdownField
          key={f}
          label={REVIEW_FIELD_LABELS[f]}
          description={ro ? undefined : HELP[f]}
          value={form.values[f]}
          onChange={(v) => form.set(f, v)}
          readOnly={ro}
          error={form.errors[f]}
          minRows={f === 'summary' || f === 'solution' ? 4 : 3}
        />
      ))}
    </FormShell>
  );
}

function ReviewScreen({ number }: { number: string }) {
  const qc = useQueryClient();
  const refresh = useReviewRefresh(number);
  // Reviews change hands (author, approvers): each visit reads the current record, not a cached one.
  useEffect(() => () => qc.removeQueries({ queryKey: detailKey('reviews', number), exact: true }), [qc, number]);
  const form = useRecordForm<Review, ReviewValues>({
    resource: 'reviews',
    id: number,
    keyOf: (r) => r.number,
    noun: 'Review',
    empty: emptyReview(),
    fromRecord: reviewValuesOf,
    toCreate: () => ({}),
    toPatch: reviewPatchBody,
    validate: validateReview,
    describe: (r) => `${r.number} · ${r.shortDescription}`,
    onSaved: refresh,
  });
  const run = useReviewAction(form, number);

  if (form.loading) {
    return (
      <Center py="xl" role="status" aria-label="Loading the review">
        <Loader size="sm" />
      </Center>
    );
  }
  if (form.loadError || !form.record) {
    const notFound = form.loadError instanceof ApiError && form.loadError.status === 404;
    return (
      <Alert color={notFound ? 'gray' : 'red'} title={notFound ? `There is no review ${number}` : 'Could not load the review'} maw={560}>
        {notFound ? 'Check the number. ' : `${errorMessage(form.loadError)} `}
        <Anchor component={Link} to="/reviews">
          All reviews
        </Anchor>
      </Alert>
    );
  }
  return (
    <Box>
      <ReviewHeader form={form} run={run} />
      <ReviewBanners review={form.record} />
      <Grid gap="md" align="flex-start">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack gap="md">
            <Box className="cb-card" p="md">
              <ReviewFields form={form} />
            </Box>
            <ReviewActivity form={form} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <ReviewSidePanels form={form} />
        </Grid.Col>
      </Grid>
    </Box>
  );
}

/** The review form at /reviews/:number. */
export function ReviewPage() {
  const { number = '' } = useParams();
  const upper = number.toUpperCase();
  return <ReviewScreen key={upper} number={upper} />;
}
