import { useMemo, useState } from 'react';
import { Alert, Autocomplete, Button, Card, Group, MultiSelect, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconSend } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router-dom';
import { ApiError, errorMessage } from '../api';
import { useMe } from '../auth';
import { AttachFiles } from './AttachFiles';
import { portalApi, portalKeys } from './portalApi';
import { usePortalAssets } from './PortalProfile';
import { BackToCases, PortalShell } from './PortalShell';

type Errors = Partial<Record<'shortDescription' | 'description' | 'product' | 'assetIds' | 'files', string>>;

/** Field errors of the API, keyed by the form's fields. */
function fieldErrors(e: unknown): Errors {
  const out: Errors = {};
  if (e instanceof ApiError) {
    for (const f of e.fields) {
      const key = f.field.split('.')[0] as keyof Errors;
      if (['shortDescription', 'description', 'product', 'assetIds'].includes(key) && !out[key]) out[key] = f.message[0]!.toUpperCase() + f.message.slice(1);
    }
  }
  return out;
}

/** New case: what is wrong, in the customer's words, with files. */
export function PortalNewCase() {
  const { data: me } = useMe();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const assets = usePortalAssets(me?.accountId ?? null);
  const [shortDescription, setShort] = useState('');
  const [description, setDescription] = useState('');
  const [product, setProduct] = useState('');
  const [assetIds, setAssetIds] = useState<string[]>([]);
  const [files, setFiles] = useState<File[]>([]);
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);

  const owned = useMemo(() => assets.data?.pages.flatMap((p) => p.items) ?? [], [assets.data]);
  const productNames = useMemo(() => [...new Set(owned.map((a) => a.product).filter((p): p is string => !!p))], [owned]);

  const create = useMutation({
    mutationFn: async () => {
      const kase = await portalApi.create({
        shortDescription: shortDescription.trim(),
        description: description.trim() || undefined,
        product: product.trim() || undefined,
        assetIds: assetIds.length ? assetIds.map(Number) : undefined,
      });
      // The case exists now; files that fail to upload must not lose it.
      let uploadError: unknown = null;
      if (files.length) {
        try {
          await portalApi.upload(kase.number, files);
        } catch (e) {
          uploadError = e;
        }
      }
      return { kase, uploadError };
    },
    onSuccess: ({ kase, uploadError }) => {
      void qc.invalidateQueries({ queryKey: portalKeys.all });
      if (uploadError) {
        notifications.show({ color: 'yellow', autoClose: false, title: `Case ${kase.number} is open, but the files were not attached`, message: `${errorMessage(uploadError)} Attach them to a reply on the case.` });
      } else {
        notifications.show({ color: 'green', title: 'Thank you — your case is open', message: `${kase.number}: we will get back to you here and by email.` });
      }
      navigate(`/portal/cases/${kase.number}`, { replace: true });
    },
    onError: (e) => {
      const fe = fieldErrors(e);
      setErrors(fe);
      setFormError(Object.keys(fe).length ? null : errorMessage(e));
    },
  });

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const local: Errors = {};
    if (!shortDescription.trim()) local.shortDescription = 'Tell us in a few words what is wrong';
    setErrors(local);
    setFormError(null);
    if (!Object.keys(local).length) create.mutate();
  };

  return (
    <PortalShell size="md">
      <Stack gap="md">
        <BackToCases />
        <div>
          <Title order={1} fz={26}>
            New case
          </Title>
          <Text c="dimmed" size="md" mt={4}>
            Tell us what is wrong. The more we know, the faster we can help.
          </Text>
        </div>
        <Card withBorder radius="md" padding="lg" shadow="xs">
          <form onSubmit={submit} noValidate aria-label="New case">
            <Stack gap="md">
              {formError && (
                <Alert color="red" title="Your case was not sent" role="alert">
                  {formError}
                </Alert>
              )}
              <TextInput
                label="Short description"
                description="One line, e.g. “Orders do not reach the warehouse”"
                required
                size="md"
                maxLength={300}
                value={shortDescription}
                onChange={(e) => (setShort(e.currentTarget.value), setErrors((p) => ({ ...p, shortDescription: undefined })))}
                error={errors.shortDescription}
                data-autofocus
              />
              <Textarea
                label="Description"
                description="What happened, since when, what you already tried, error messages"
                size="md"
                autosize
                minRows={5}
                maxRows={16}
                value={description}
                onChange={(e) => setDescription(e.currentTarget.value)}
                error={errors.description}
              />
              <Autocomplete
                label="Product"
                description="Which product is it about? (optional)"
                size="md"
                data={productNames}
                maxLength={200}
                value={product}
                onChange={setProduct}
                error={errors.product}
              />
              {owned.length > 0 && (
                <MultiSelect
                  label="Affected equipment"
                  description="Pick the devices or installations concerned (optional)"
                  size="md"
                  data={owned.map((a) => ({ value: String(a.id), label: a.serialNumber ? `${a.name} (${a.serialNumber})` : a.name }))}
                  value={assetIds}
                  onChange={setAssetIds}
                  searchable
                  clearable
                  error={errors.assetIds}
                />
              )}
              <AttachFiles files={files} onChange={setFiles} error={errors.files} />
              <Group justify="flex-end" gap="sm" mt="xs">
                <Button variant="default" size="md" onClick={() => navigate('/portal')}>
                  Cancel
                </Button>
                <Button type="submit" size="md" loading={create.isPending} leftSection={<IconSend size={16} />}>
                  Send case
                </Button>
              </Group>
            </Stack>
          </form>
        </Card>
      </Stack>
    </PortalShell>
  );
}
