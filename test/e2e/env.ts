// Settings shared by the Playwright config and the specs.
export const E2E_PORT = Number(process.env.CASEBOOK_E2E_PORT ?? 3917);
export const ADMIN_EMAIL = 'admin@example.test';
export const ADMIN_PASSWORD = 'e2e-admin-password-0451';
