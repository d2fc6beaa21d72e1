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
        {/* Accounts is the only content that exists yet; cases come later. */}
        <Route index element={<Navigate to="/customers/accounts" replace />} />
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
        <Route path="tokens" element={<TokensPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
