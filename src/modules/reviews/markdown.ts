import { Lexer, type Token, type Tokens } from 'marked';

// Review fields hold Markdown-style text. For the document it becomes a small, stable syntax tree
// (JSON) that the Typst template renders; the text itself is never Typst source.

export type Inline =
  | { t: 'text'; text: string }
  | { t: 'strong' | 'em' | 'del'; c: Inline[] }
  | { t: 'code'; text: string }
  | { t: 'link'; href: string | null; c: Inline[] }
  | { t: 'br' };
export type Block =
  | { t: 'p' | 'h' | 'inline'; c: Inline[] }
  | { t: 'ul'; items: Block[][] }
  | { t: 'ol'; start: number; items: Block[][] }
  | { t: 'quote'; c: Block[] }
  | { t: 'code'; text: string }
  | { t: 'hr' };

const MAX_DEPTH = 12;

// Only web and mail links become links in the PDF; anything else (javascript:, file:) is text.
function safeHref(href: string): string | null {
  return /^(https?:|mailto:)/i.test(href.trim()) ? href.trim() : null;
}

function decode(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!);
}

function inline(tokens: Token[] | undefined, depth: number): Inline[] {
  if (!tokens || depth > MAX_DEPTH) return [];
  const out: Inline[] = [];
  for (const tok of tokens) {
    switch (tok.type) {
      case 'strong':
      case 'em':
      case 'del':
        out.push({ t: tok.type, c: inline((tok as Tokens.Strong).tokens, depth + 1) });
        break;
      case 'codespan':
        out.push({ t: 'code', text: decode((tok as Tokens.Codespan).text) });
        break;
      case 'link':
        out.push({ t: 'link', href: safeHref((tok as Tokens.Link).href), c: inline((tok as Tokens.Link).tokens, depth + 1) });
        break;
      case 'br':
        out.push({ t: 'br' });
        break;
      case 'text': {
        const tt = tok as Tokens.Text;
        if (tt.tokens?.length) out.push(...inline(tt.tokens, depth + 1));
        else out.push({ t: 'text', text: decode(tt.text) });
        break;
      }
      case 'escape':
        out.push({ t: 'text', text: (tok as Tokens.Escape).text });
        break;
      default:
        // html, images and anything unknown are shown as the text that was written.
        out.push({ t: 'text', text: tok.raw });
    }
  }
  return out;
}

function blocks(tokens: Token[], depth: number): Block[] {
  if (depth > MAX_DEPTH) return [];
  const out: Block[] = [];
  for (const tok of tokens) {
    switch (tok.type) {
      case 'paragraph':
        out.push({ t: 'p', c: inline((tok as Tokens.Paragraph).tokens, depth) });
        break;
      case 'heading':
        out.push({ t: 'h', c: inline((tok as Tokens.Heading).tokens, depth) });
        break;
      case 'list': {
        const list = tok as Tokens.List;
        const items = list.items.map((item) => blocks(item.tokens, depth + 1));
        out.push(list.ordered ? { t: 'ol', start: Number(list.start) || 1, items } : { t: 'ul', items });
        break;
      }
      case 'blockquote':
        out.push({ t: 'quote', c: blocks((tok as Tokens.Blockquote).tokens, depth + 1) });
        break;
      case 'code':
        out.push({ t: 'code', text: (tok as Tokens.Code).text });
        break;
      case 'hr':
        out.push({ t: 'hr' });
        break;
      case 'text': {
        // Text directly in a list item.
        const tt = tok as Tokens.Text;
        out.push({ t: 'inline', c: tt.tokens?.length ? inline(tt.tokens, depth) : [{ t: 'text', text: decode(tt.text) }] });
        break;
      }
      case 'space':
        break;
      default:
        out.push({ t: 'p', c: [{ t: 'text', text: tok.raw }] });
    }
  }
  return out;
}

/** Markdown text → the syntax tree a document template renders. */
export function markdownTree(text: string | null | undefined): Block[] {
  if (!text || !text.trim()) return [];
  return blocks(new Lexer({ gfm: true, breaks: false }).lex(text), 0);
}
