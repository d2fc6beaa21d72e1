import { Marked, type Tokens } from 'marked';

// Article bodies are Markdown; the HTML we hand to browsers has every raw HTML tag escaped,
// only web and mail links, and no images — so an article can never carry script.

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const safeHref = (href: string) => (/^(https?:|mailto:)/i.test(href.trim()) ? href.trim() : null);

const marked = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    html(token: Tokens.HTML | Tokens.Tag) {
      return escapeHtml(token.text);
    },
    link(token: Tokens.Link) {
      const text = this.parser.parseInline(token.tokens);
      const href = safeHref(token.href);
      return href ? `<a href="${escapeHtml(href)}" rel="noopener noreferrer nofollow" target="_blank">${text}</a>` : text;
    },
    image(token: Tokens.Image) {
      return escapeHtml(token.text);
    },
  },
});

export function markdownToSafeHtml(markdown: string): string {
  return marked.parse(markdown, { async: false }) as string;
}
