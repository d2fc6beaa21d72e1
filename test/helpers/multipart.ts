// A multipart/form-data body of files under the field "file", as a browser sends an upload.

export interface UploadFile {
  name: string;
  content: Buffer | string;
  type?: string;
  /** Send the name RFC 5987-encoded (filename*=UTF-8''…), as browsers do for names a header cannot hold raw. */
  encoded?: boolean;
}

export function multipartBody(files: UploadFile[], boundary = '----casebook' + Math.random().toString(16).slice(2)) {
  const chunks: Buffer[] = [];
  for (const f of files) {
    const name = f.encoded ? `filename*=UTF-8''${encodeURIComponent(f.name)}` : `filename="${f.name}"`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; ${name}\r\nContent-Type: ${f.type ?? 'application/octet-stream'}\r\n\r\n`));
    chunks.push(Buffer.isBuffer(f.content) ? f.content : Buffer.from(f.content));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
