import type { ChatModel, ChatRequest } from '../llm/chat-model.js';
import { maskText } from './mask-personal-data.js';

function maskRequest(request: ChatRequest): ChatRequest {
  return { ...request, messages: request.messages.map((message) => ({ ...message, content: maskText(message.content) })) };
}

/**
 * A chat model that never receives personal data: every message (system, conversation, knowledge) is masked before
 * it leaves the process. The model still sees the shape (138****5678), enough to say "your number ending 5678".
 */
export function withMaskedChatModel(model: ChatModel): ChatModel {
  return {
    provider: model.provider,
    model: model.model,
    generate: (request) => model.generate(maskRequest(request)),
    stream: (request) => model.stream(maskRequest(request)),
  };
}
