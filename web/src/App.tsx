import { Navigate, Route, Routes } from 'react-router-dom';
import { RequireCustomer, RequireStaff } from './auth';
import { AppFrame } from './components/AppFrame';
import { RequireAdmin } from './components/RequireAdmin';
import { LoginPage } from './pages/LoginPage';
import { ForgotPasswordPage, SetPasswordPage } from './pages/PasswordPages';
import { AccountsPage } from './pages/AccountsPage';
import { ContactsPage } from './pages/ContactsPage';
import { AssetsPage } from './pages/AssetsPage';
import { UsersPage } from './pages/UsersPage';
import { GroupsPage } from './pages/GroupsPage';
import { TokensPage } from './pages/TokensPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { PortalHome } from './portal/PortalHome';
import { PortalCasePage } from './portal/PortalCasePage';
import { PortalNewCase } from './portal/PortalNewCase';
import { SurveyPage } from './survey/SurveyPage';
import { OutboxPage } from './pages/mail/OutboxPage';
import { EmailTemplatesPage } from './pages/mail/EmailTemplatesPage';
import { EmailTemplateEditorPage } from './pages/mail/EmailTemplateEditor';
import { SatisfactionLevelsPage } from './pages/mail/SatisfactionLevelsPage';
import { AllCasesPage, HomePage, MyCasesPage, QueuePage, SlaCasesPage } from './cases/CaseListPages';
import { KnowledgePage } from './knowledge/KnowledgePage';
import { ArticlePage } from './knowledge/ArticlePage';
import { EditArticlePage, NewArticlePage } from './knowledge/ArticleEditor';
import { PortalKnowledge } from './knowledge/PortalKnowledge';
import { CalendarsPage } from './pages/sla/CalendarsPage';
import { PoliciesPage } from './pages/sla/PoliciesPage';
import { CasePage } from './cases/CasePage';
import { StatusesPage } from './pages/StatusesPage';
import { ProcessesPage } from './pages/ProcessesPage';
import { QueuesPage } from './pages/QueuesPage';
import { AllReviewsPage, MyApprovalsPage, MyReviewsPage } from './reviews/ReviewListPages';
import { ReviewPage } from './reviews/ReviewPage';
import { ReviewConfigurationsPage } from './pages/reviews-admin/ReviewConfigurationsPage';
import { DocumentTemplatesPage } from './pages/reviews-admin/DocumentTemplatesPage';

export function App() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage variant="staff" />} />
      <Route path="/portal/login" element={<LoginPage variant="portal" />} />
      <Route path="/forgot-password" element={<ForgotPasswordPage variant="staff" />} />
      <Route path="/portal/forgot-password" element={<ForgotPasswordPage variant="portal" />} />
      <Route path="/reset-password" element={<SetPasswordPage variant="staff" kind="password_reset" />} />
      <Route path="/portal/reset-password" element={<SetPasswordPage variant="portal" kind="password_reset" />} />
      <Route path="/invitation" element={<SetPasswordPage variant="staff" kind="invitation" />} />
      <Route path="/portal/invitation" element={<SetPasswordPage variant="portal" kind="invitation" />} />
      <Route
        path="/portal"
        element={
          <RequireCustomer>
            <PortalHome />
          </RequireCustomer>
        }
      />
      <Route
        path="/portal/cases/new"
        element={
          <RequireCustomer>
            <PortalNewCase />
          </RequireCustomer>
        }
      />
      <Route
        path="/portal/cases/:number"
        element={
          <RequireCustomer>
            <PortalCasePage />
          </RequireCustomer>
        }
      />
      <Route path="/survey/:token" element={<SurveyPage />} />
      <Route
        path="/portal/knowledge/:number?"
        element={
          <RequireCustomer>
            <PortalKnowledge />
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
        <Route path="cases/sla" element={<Navigate to="/cases/sla/breached" replace />} />
        <Route path="cases/sla/breached" element={<SlaCasesPage which="breached" />} />
        <Route path="cases/sla/at-risk" element={<SlaCasesPage which="at_risk" />} />
        <Route path="cases/:number" element={<CasePage />} />
        <Route path="knowledge" element={<KnowledgePage />} />
        <Route path="knowledge/new" element={<NewArticlePage />} />
        <Route path="knowledge/:number" element={<ArticlePage />} />
        <Route path="knowledge/:number/edit" element={<EditArticlePage />} />
        <Route path="queues/:id" element={<QueuePage />} />
        <Route path="reviews" element={<AllReviewsPage />} />
        <Route path="reviews/mine" element={<MyReviewsPage />} />
        <Route path="reviews/approvals" element={<MyApprovalsPage />} />
        <Route path="reviews/:number" element={<ReviewPage />} />
        <Route
          path="admin/review-configurations/:id?"
          element={
            <RequireAdmin what="review configurations">
              <ReviewConfigurationsPage />
            </RequireAdmin>
          }
        />
        <Route
          path="admin/document-templates/:id?"
          element={
            <RequireAdmin what="document templates">
              <DocumentTemplatesPage />
            </RequireAdmin>
          }
        />
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
        <Route
          path="admin/outbox/:id?"
          element={
            <RequireAdmin what="the outbox">
              <OutboxPage />
            </RequireAdmin>
          }
        />
        <Route
          path="admin/email-templates"
          element={
            <RequireAdmin what="email templates">
              <EmailTemplatesPage />
            </RequireAdmin>
          }
        />
        <Route
          path="admin/email-templates/:key"
          element={
            <RequireAdmin what="email templates">
              <EmailTemplateEditorPage />
            </RequireAdmin>
          }
        />
        <Route
          path="admin/satisfaction-levels"
          element={
            <RequireAdmin what="satisfaction levels">
              <SatisfactionLevelsPage />
            </RequireAdmin>
          }
        />
        <Route
          path="admin/calendars/:id?"
          element={
            <RequireAdmin what="business calendars">
              <CalendarsPage />
            </RequireAdmin>
          }
        />
        <Route
          path="admin/sla-policies/:id?"
          element={
            <RequireAdmin what="SLA policies">
              <PoliciesPage />
            </RequireAdmin>
          }
        />
        <Route path="tokens" element={<TokensPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
