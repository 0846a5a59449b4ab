import type { ApiClient } from './api-client';
import { networkProblem, ProblemError, UnauthenticatedError, type Problem } from './problem-error';

export interface UploadProgress {
  loaded: number;
  total: number;
}

/**
 * A multipart POST through XMLHttpRequest, because fetch reports no upload progress in today's browsers. Same
 * contract as ApiClient.send: the parsed JSON body on 2xx, a ProblemError (UnauthenticatedError on 401) otherwise.
 */
export function uploadWithProgress<T>(client: ApiClient, path: string, form: FormData, onProgress: (progress: UploadProgress) => void, createRequest: () => XMLHttpRequest = () => new XMLHttpRequest()): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const request = createRequest();
    request.open('POST', client.url(path));
    request.setRequestHeader('accept', 'application/json');
    for (const [name, value] of Object.entries(client.authorization())) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => onProgress({ loaded: event.loaded, total: event.lengthComputable ? event.total : 0 });
    request.onerror = () => reject(new ProblemError(networkProblem(new Error('the upload was interrupted'))));
    request.onload = () => {
      const text = request.responseText;
      if (request.status >= 200 && request.status < 300) {
        resolve((text ? JSON.parse(text) : undefined) as T);
        return;
      }
      const problem = parseProblem(text, request.status, request.statusText, request.getResponseHeader('x-request-id'));
      if (request.status === 401) {
        client.reportUnauthenticated(problem);
        reject(new UnauthenticatedError(problem));
        return;
      }
      reject(new ProblemError(problem));
    };
    request.send(form);
  });
}

function parseProblem(text: string, status: number, statusText: string, requestId: string | null): Problem {
  try {
    const parsed = JSON.parse(text) as Partial<Problem>;
    if (parsed && typeof parsed.title === 'string') {
      return {
        type: parsed.type ?? `https://agent-assist.dev/problems/http_${status}`,
        title: parsed.title,
        status: typeof parsed.status === 'number' ? parsed.status : status,
        detail: parsed.detail ?? '',
        ...(parsed.requestId ? { requestId: parsed.requestId } : {}),
        ...(Array.isArray(parsed.errors) ? { errors: parsed.errors } : {}),
      };
    }
  } catch {
    // Not JSON (a proxy's page): described from the status below.
  }
  return { type: `https://agent-assist.dev/problems/http_${status}`, title: statusText || `HTTP ${status}`, status, detail: text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 300), ...(requestId ? { requestId } : {}) };
}
