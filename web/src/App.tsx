import { Navigate, Route, Routes } from 'react-router-dom';
import { RequireCustomer, RequireStaff } from './auth';
import { AppFrame } from './components/AppFrame';
import { RequireAdmin } from './components/RequireAdmin';
import { LoginPage } from './pages/LoginPage';
import { AccountsPage } from './pages/AccountsPage';
import { ContactsPage } from './pages/ContactsPage';
import { AssetsPage } from './pages/AssetsPage';
import { UsersPage } from './pages/UsersPage';
import { GroupsPage } from './pages/GroupsPage';
import { TokensPage } from './pages/TokensPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { PortalHome } from './portal/PortalHome';
import { AllCasesPage, HomePage, MyCasesPage, QueuePage } from './cases/CaseListPages';
import { CasePage } from './cases/CasePage';
import { StatusesPage } from './pages/StatusesPage';
import { ProcessesPage } from './pages/ProcessesPage';
import { QueuesPage } from './pages/QueuesPage';

export function App() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage variant="staff" />} />
      <Route path="/portal/login" element={<LoginPage variant="portal" />} />
      <Route
        path="/portal"
        element={
          <RequireCustomer>
            <PortalHome />
          </RequireCustomer>
        }
      />
      <Route path="/portal/*" element={<Navigate to="/portal" replace />} />
      <Route
        element={
          <RequireStaff>
            <AppFrame />
          </RequireStaff>
        }
      >
        <Route index element={<HomePage />} />
        <Route path="cases" element={<AllCasesPage />} />
        <Route path="cases/mine" element={<MyCasesPage />} />
        <Route path="cases/mine/resolved" element={<MyCasesPage resolved />} />
        <Route path="cases/:number" element={<CasePage />} />
        <Route path="queues/:id" element={<QueuePage />} />
        <Route path="customers" element={<Navigate to="/customers/accounts" replace />} />
        <Route path="customers/accounts/:id?" element={<AccountsPage />} />
        <Route path="customers/contacts/:id?" element={<ContactsPage />} />
        <Route path="customers/assets/:id?" element={<AssetsPage />} />
        <Route path="admin" element={<Navigate to="/admin/users" replace />} />
        <Route
          path="admin/users/:id?"
          element={
            <RequireAdmin what="users">
              <UsersPage />
            </RequireAdmin>
          }
        />
        <Route
          path="admin/groups/:id?"
          element={
            <RequireAdmin what="groups">
              <GroupsPage />
            </RequireAdmin>
          }
        />
        <Route
          path="admin/statuses/:id?"
          element={
            <RequireAdmin what="statuses">
              <StatusesPage />
            </RequireAdmin>
          }
        />
        <Route
          path="admin/processes/:id?"
          element={
            <RequireAdmin what="processes">
              <ProcessesPage />
            </RequireAdmin>
          }
        />
        <Route
          path="admin/queues/:id?"
          element={
            <RequireAdmin what="queues">
              <QueuesPage />
            </RequireAdmin>
          }
        />
        <Route path="tokens" element={<TokensPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
