"""The AI assistant: one openai client path, an offline tutor, and guardrails in front of every backend."""
