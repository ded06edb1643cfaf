// The one LLM provider Tandem speaks: any server with OpenAI's Chat Completions API (OpenAI, Ollama's /v1,
// vLLM, llama.cpp's server), through the AI SDK's openai-compatible provider.
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModel } from 'ai';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export interface LlmConfig {
  /** e.g. http://127.0.0.1:11434/v1 for Ollama; OpenAI's when unset */
  baseUrl: string | undefined;
  apiKey: string | undefined;
  model: string;
}

/** The chat model `config.model` at `config.baseUrl`. */
export function openAICompatibleModel(config: LlmConfig): LanguageModel {
  const provider = createOpenAICompatible({
    name: 'tandem-llm',
    baseURL: (config.baseUrl ?? OPENAI_DEFAULT_BASE_URL).replace(/\/+$/, ''),
    ...(config.apiKey ? { apiKey: config.apiKey } : {}),
    includeUsage: true,
  });
  return provider.chatModel(config.model);
}
