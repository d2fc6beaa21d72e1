import { Badge, Group } from '@mantine/core';
import { useParams } from 'react-router-dom';
import { When } from '../../cases/format';
import { ListTable, NewButton, PageHeader, type Column } from '../../components/ListPage';
import type { DocumentTemplate } from '../../reviews/reviewsApi';
import { parseId } from '../util';
import { TEMPLATES_BASE, TemplateEditor } from './TemplateEditor';

// Admin → Document templates: the Typst templates review documents are rendered with.

const columns: Column<DocumentTemplate>[] = [
  { header: 'Name', render: (t) => t.name },
  { header: 'Description', render: (t) => t.description || <span className="cb-muted">—</span> },
  {
    header: 'Used by',
    render: (t) =>
      t.usedBy.length ? (
        <Group gap={4}>
          {t.usedBy.map((u) => (
            <Badge key={u} size="sm" radius="sm" variant="light" color="indigo">
              {u}
            </Badge>
          ))}
        </Group>
      ) : (
        <span className="cb-muted">Not used</span>
      ),
  },
  { header: 'Updated', render: (t) => <When iso={t.updatedAt} />, width: 110 },
];

export function DocumentTemplatesPage() {
  const { id } = useParams();
  const recordId = parseId(id);
  if (recordId !== undefined) return <TemplateEditor key={String(recordId)} id={recordId === 'new' ? null : recordId} />;
  return (
    <>
      <PageHeader
        title="Document templates"
        description="Typst templates that turn a review into its PDF. Templates see the review, the case, the account and the company as data; they cannot run code or read files."
        action={<NewButton to={`${TEMPLATES_BASE}/new`} label="New template" />}
      />
      <ListTable<DocumentTemplate>
        resource="document-templates"
        params={{}}
        pageSize={null}
        columns={columns}
        hrefOf={(t) => `${TEMPLATES_BASE}/${t.id}`}
        caption="Document templates"
        carrySearch={false}
        empty={{ title: 'No templates', description: 'The default template is created with the database.' }}
      />
    </>
  );
}
