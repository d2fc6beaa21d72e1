// Deployment facts that services need deep down (links in emails), set once when the app is built.
export const runtime = {
  publicUrl: 'http://localhost:3000',
};
