import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { NodeCompiler } from '@myriaddreamin/typst-ts-node-compiler';
import { badRequest } from '../../platform/errors.js';
import { withoutBidiControls } from '../../platform/text-guard.js';

// Renders review documents with Typst. The compiler's root is an empty directory of its own, so a
// template cannot read the database, the configuration or anything else (NOTES.md); data goes in
// only as JSON through sys.inputs. Templates are compiled as in-memory sources inside that root,
// so errors come back with line and column.

export interface TemplateProblem {
  message: string;
  line: number | null;
  column: number | null;
}

export class TemplateError extends Error {
  constructor(readonly problems: TemplateProblem[]) {
    super(problems.map((p) => (p.line !== null ? `line ${p.line}, column ${p.column}: ${p.message}` : p.message)).join('; '));
    this.name = 'TemplateError';
  }
}

export class DocumentRenderer {
  private readonly compiler: NodeCompiler;
  private readonly root: string;
  private renders = 0;

  constructor(dataDir: string) {
    this.root = path.join(dataDir, 'typst-root');
    fs.mkdirSync(this.root, { recursive: true });
    this.compiler = NodeCompiler.create({ workspace: this.root });
  }

  /** Compiles a template with data to PDF bytes, or throws TemplateError with line/column. */
  render(source: string, data: unknown): Buffer {
    const file = path.join(this.root, `template-${createHash('sha1').update(source).digest('hex')}.typ`);
    this.compiler.addSource(file, source);
    // Direction overrides are dropped from the data: a document shows text in the order it was written.
    const json = JSON.stringify(data, (_key, value: unknown) => (typeof value === 'string' ? withoutBidiControls(value) : value));
    const result = this.compiler.compile({ mainFilePath: file, inputs: { data: json } });
    try {
      if (result.hasError() || !result.result) {
        const diagnostics = this.compiler.fetchDiagnostics(result.takeDiagnostics()!) as {
          message: string;
          range: { start: { line: number; character: number } } | null;
        }[];
        throw new TemplateError(
          diagnostics.map((d) => ({
            message: d.message,
            line: d.range ? d.range.start.line + 1 : null,
            column: d.range ? d.range.start.character + 1 : null,
          })),
        );
      }
      return this.compiler.pdf(result.result);
    } finally {
      // Keep memory bounded: forget compilation results not used in the last few renders.
      if (++this.renders % 50 === 0) this.compiler.evictCache(10);
    }
  }

  /** Checks that a template compiles with the sample data; 400 naming line and column if not. */
  validate(source: string, sample: unknown): Buffer {
    try {
      return this.render(source, sample);
    } catch (err) {
      if (err instanceof TemplateError) {
        throw badRequest(`The template does not compile: ${err.message}`, {
          fields: [{ field: 'body.source', message: err.message }],
          problems: err.problems,
        });
      }
      throw err;
    }
  }
}
