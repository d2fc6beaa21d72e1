import { Alert, Badge, Center, Code, Loader, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router-dom';
import { errorMessage } from '../../api';
import { formatDate, PageHeader } from '../../components/ListPage';
import { mailApi } from './mailApi';
import { templateAudience } from './TemplateVariables';

export const TEMPLATES_BASE = '/admin/email-templates';
export const templatesKey = ['email-templates', 'list'] as const;

/** Admin → Email templates: the mails Casebook writes, each opening its editor. */
export function EmailTemplatesPage() {
  const navigate = useNavigate();
  const query = useQuery({ queryKey: templatesKey, queryFn: async () => (await mailApi.templates()).items });
  return (
    <>
      <PageHeader title="Email templates" description="The mails Casebook sends to customers and staff. Templates are Liquid text; each is checked before it is saved." />
      {query.isPending ? (
        <Center py="xl" role="status" aria-label="Loading">
          <Loader size="sm" />
        </Center>
      ) : query.isError ? (
        <Alert color="red" title="Could not load the templates">
          {errorMessage(query.error)}
        </Alert>
      ) : (
        <div className="cb-table-wrap">
          <div style={{ overflowX: 'auto' }}>
            <Table highlightOnHover aria-label="Email templates" miw={720}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Template</Table.Th>
                  <Table.Th scope="col">Subject</Table.Th>
                  <Table.Th scope="col" w={110}>
                    Goes to
                  </Table.Th>
                  <Table.Th scope="col" w={160}>
                    Last changed
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {query.data.map((t) => (
                  <Table.Tr key={t.key} className="cb-row" onClick={(e) => !(e.target as HTMLElement).closest('a') && navigate(`${TEMPLATES_BASE}/${t.key}`)}>
                    <Table.Td>
                      <Text component={Link} to={`${TEMPLATES_BASE}/${t.key}`} size="sm" fw={500} c="indigo.8" td="none">
                        {t.name}
                      </Text>
                      <Code fz={11} ml={6} c="dimmed" bg="transparent">
                        {t.key}
                      </Code>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" ff="monospace" truncate="end" maw={420} title={t.subject}>
                        {t.subject}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge size="sm" radius="sm" variant="light" color={{ Staff: 'grape', Customer: 'indigo', Watchers: 'teal' }[templateAudience(t.key)]}>
                        {templateAudience(t.key)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                        {formatDate(t.updatedAt)}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </div>
        </div>
      )}
    </>
  );
}
